import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    package func createImportJob(_ job: ImportJob) async throws {
        try await dbPool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO import_jobs (\(ImportJobRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: ImportJobRecord.insertArguments(job)
            )
        }
    }

    package func importJob(_ id: UUID, tenantId: UUID) async throws -> ImportJob? {
        try await dbPool.read { db in try Self.importJob(id, tenantId: tenantId, db) }
    }

    package func importJobs(tenantId: UUID, limit: Int) async throws -> [ImportJob] {
        try await dbPool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(ImportJobRecord.columns) FROM import_jobs WHERE tenant_id = ?
                    ORDER BY start_time DESC, id DESC LIMIT ?
                    """,
                arguments: [tenantId, max(0, limit)]
            ).map(ImportJobRecord.decode)
        }
    }

    package func requestImportJobCancel(_ id: UUID, tenantId: UUID) async throws -> ImportJob? {
        try await dbPool.write { db in
            try db.execute(
                sql:
                    "UPDATE import_jobs SET cancel_requested = 1 WHERE id = ? AND tenant_id = ? AND status = 'RUNNING'",
                arguments: [id, tenantId]
            )
            return try Self.importJob(id, tenantId: tenantId, db)
        }
    }

    package func recordImportCheckpoint(_ checkpoint: ImportJobCheckpoint) async throws {
        try await dbPool.write { db in try ImportJobRecord.write(checkpoint, db) }
    }

    package func endImportJob(_ id: UUID, status: ImportJobStatus, failure: String?, at time: Int64) async throws
        -> Bool
    {
        try await dbPool.write { db in
            try db.execute(
                sql: "UPDATE import_jobs SET status = ?, failure = ?, end_time = ? WHERE id = ? AND status = 'RUNNING'",
                arguments: [status.rawValue, failure, time, id]
            )
            return db.changesCount == 1
        }
    }

    package func touchImportJobs(_ ids: [UUID], at time: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await dbPool.write { db in
            let statement = try db.cachedStatement(
                sql:
                    "UPDATE import_jobs SET heartbeat_time = max(?, heartbeat_time) WHERE id = ? AND status = 'RUNNING'"
            )
            for id in ids { try statement.execute(arguments: [time, id]) }
        }
    }

    package func runningImportJobs(owner: String?, heartbeatBefore: Int64?) async throws -> [ImportJob] {
        try await dbPool.read { db in
            var sql = "SELECT \(ImportJobRecord.columns) FROM import_jobs WHERE status = 'RUNNING'"
            var arguments = StatementArguments()
            if let owner {
                sql += " AND owner_node = ?"
                arguments += [owner]
            }
            if let heartbeatBefore {
                sql += " AND heartbeat_time < ?"
                arguments += [heartbeatBefore]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(ImportJobRecord.decode)
        }
    }

    package func interruptImportJob(_ id: UUID, heartbeatTime: Int64, failure: String, at time: Int64) async throws
        -> Bool
    {
        try await dbPool.write { db in
            try db.execute(
                sql: """
                    UPDATE import_jobs SET status = 'FAILED', failure = ?, end_time = ?
                    WHERE id = ? AND status = 'RUNNING' AND heartbeat_time = ?
                    """,
                arguments: [failure, time, id, heartbeatTime]
            )
            return db.changesCount == 1
        }
    }

    package func importFailedRows(jobId: UUID, after sequence: Int, limit: Int) async throws -> [ImportFailedRow] {
        try await dbPool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT sequence, text FROM import_failed_rows WHERE job_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [jobId, sequence, max(0, limit)]
            ).map { ImportFailedRow(sequence: $0[0], text: $0[1]) }
        }
    }

    private static func importJob(_ id: UUID, tenantId: UUID, _ db: Database) throws -> ImportJob? {
        try Row.fetchOne(
            db,
            sql: "SELECT \(ImportJobRecord.columns) FROM import_jobs WHERE id = ? AND tenant_id = ?",
            arguments: [id, tenantId]
        ).map(ImportJobRecord.decode)
    }
}
