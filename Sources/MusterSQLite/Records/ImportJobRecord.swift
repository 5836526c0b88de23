import Foundation
import GRDB
import MusterCore

/// Maps rows of `import_jobs` to ``ImportJob``, and writes checkpoints with their failed rows.
enum ImportJobRecord {
    static let table = "import_jobs"

    /// The columns ``decode(_:)`` reads, in order.
    static let columns = """
        id, tenant_id, entity_type, dry_run, status, rows_processed, created, updated, errors, bytes_processed,
        bytes_total, created_profiles, error_lines, failure, cancel_requested, owner_node, heartbeat_time, start_time,
        end_time, rows_total
        """

    static func insertArguments(_ job: ImportJob) -> StatementArguments {
        var arguments: StatementArguments = [
            job.id, job.tenantId, job.entityType.rawValue, job.dryRun, job.status.rawValue, job.progress.rowsProcessed,
            job.progress.created, job.progress.updated, job.progress.errors, job.progress.bytesProcessed,
        ]
        arguments += [
            job.progress.bytesTotal, jsonText(job.progress.createdProfiles), jsonText(job.errorLines), job.failure,
            job.cancelRequested, job.owner, job.heartbeatTime, job.startTime, job.endTime, job.progress.rowsTotal,
        ]
        return arguments
    }

    static func decode(_ row: Row) throws -> ImportJob {
        var job = ImportJob(
            id: try row.decode(atIndex: 0),
            tenantId: try row.decode(atIndex: 1),
            entityType: try StoredValue.enumCase(
                ImportEntityType.self,
                row.decode(atIndex: 2),
                table: table,
                column: "entity_type"
            ),
            dryRun: try row.decode(atIndex: 3),
            bytesTotal: try row.decode(atIndex: 10),
            startTime: try row.decode(atIndex: 17),
            owner: try row.decode(atIndex: 15)
        )
        job.status = try StoredValue.enumCase(
            ImportJobStatus.self,
            row.decode(atIndex: 4),
            table: table,
            column: "status"
        )
        job.progress.rowsProcessed = try row.decode(atIndex: 5)
        job.progress.created = try row.decode(atIndex: 6)
        job.progress.updated = try row.decode(atIndex: 7)
        job.progress.errors = try row.decode(atIndex: 8)
        job.progress.bytesProcessed = try row.decode(atIndex: 9)
        job.progress.createdProfiles = try strings(row.decode(atIndex: 11), column: "created_profiles")
        job.errorLines = try strings(row.decode(atIndex: 12), column: "error_lines")
        job.failure = try row.decode(atIndex: 13)
        job.cancelRequested = try row.decode(atIndex: 14)
        job.heartbeatTime = try row.decode(atIndex: 16)
        job.endTime = try row.decode(atIndex: 18)
        job.progress.rowsTotal = try row.decode(atIndex: 19)
        return job
    }

    /// Writes `checkpoint` on `db` (in the caller's transaction): the job's counts, error lines and heartbeat (never
    /// moved backwards, and moved by at least 1 ms, so every checkpoint changes it), and the failed rows it adds.
    /// - Throws: ``ImportJobStoreError/notRunning(_:)`` when the job is not `RUNNING`.
    static func write(_ checkpoint: ImportJobCheckpoint, _ db: Database) throws {
        let progress = checkpoint.progress
        try db.execute(
            sql: """
                UPDATE import_jobs SET rows_processed = ?, created = ?, updated = ?, errors = ?, bytes_processed = ?,
                    bytes_total = ?, rows_total = ?, created_profiles = ?, error_lines = ?,
                    heartbeat_time = max(?, heartbeat_time + 1)
                WHERE id = ? AND status = 'RUNNING'
                """,
            arguments: [
                progress.rowsProcessed, progress.created, progress.updated, progress.errors, progress.bytesProcessed,
                progress.bytesTotal, progress.rowsTotal, jsonText(progress.createdProfiles), jsonText(checkpoint.errorLines),
                checkpoint.time,
                checkpoint.jobId,
            ]
        )
        guard db.changesCount == 1 else { throw ImportJobStoreError.notRunning(checkpoint.jobId) }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO import_failed_rows (job_id, sequence, text) VALUES (?, ?, ?)"
        )
        for row in checkpoint.failedRows {
            try insert.execute(arguments: [checkpoint.jobId, row.sequence, row.text])
        }
    }

    static func jsonText(_ strings: [String]) -> String {
        JSONValue.serialized(strings: strings)
    }

    private static func strings(_ text: String, column: String) throws -> [String] {
        guard let strings = JSONValue.strings(parsing: text) else {
            throw SQLiteStoreError.invalidStoredValue(table: table, column: column)
        }
        return strings
    }
}
