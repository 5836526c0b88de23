import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: ImportJobStore {
    package func createImportJob(_ job: ImportJob) async throws {
        let progress = job.progress
        try await transaction { [self] connection in
            try await connection.query(
                """
                INSERT INTO import_jobs (\(unescaped: ImportJobRows.columns))
                VALUES (\(job.id), \(job.tenantId), \(job.entityType.rawValue), \(job.dryRun), \(job.status.rawValue),
                    \(Int64(progress.rowsProcessed)), \(Int64(progress.created)), \(Int64(progress.updated)),
                    \(Int64(progress.errors)), \(Int64(progress.bytesProcessed)), \(Int64(progress.bytesTotal)),
                    \(JSONValue.serialized(strings: progress.createdProfiles)),
                    \(JSONValue.serialized(strings: job.errorLines)), \(job.failure), \(job.cancelRequested),
                    \(job.owner), \(job.heartbeatTime), \(job.startTime), \(job.endTime),
                    \(progress.rowsTotal.map(Int64.init)))
                """,
                logger: logger
            )
        }
    }

    package func importJob(_ id: UUID, tenantId: UUID) async throws -> ImportJob? {
        try await rows(
            "SELECT \(unescaped: ImportJobRows.columns) FROM import_jobs WHERE id = \(id) AND tenant_id = \(tenantId)",
            ImportJobRows.decode
        ).first
    }

    package func importJobs(tenantId: UUID, limit: Int) async throws -> [ImportJob] {
        try await rows(
            """
            SELECT \(unescaped: ImportJobRows.columns) FROM import_jobs WHERE tenant_id = \(tenantId)
            ORDER BY start_time DESC, id DESC LIMIT \(Int64(max(0, limit)))
            """,
            ImportJobRows.decode
        )
    }

    package func requestImportJobCancel(_ id: UUID, tenantId: UUID) async throws -> ImportJob? {
        try await transaction { [self] connection in
            try await connection.query(
                """
                UPDATE import_jobs SET cancel_requested = true
                WHERE id = \(id) AND tenant_id = \(tenantId) AND status = 'RUNNING'
                """,
                logger: logger
            )
            return try await rows(
                "SELECT \(unescaped: ImportJobRows.columns) FROM import_jobs WHERE id = \(id) AND tenant_id = \(tenantId)",
                on: connection,
                ImportJobRows.decode
            ).first
        }
    }

    package func recordImportCheckpoint(_ checkpoint: ImportJobCheckpoint) async throws {
        try await transaction { [self] connection in try await writeCheckpoint(checkpoint, on: connection) }
    }

    package func endImportJob(_ id: UUID, status: ImportJobStatus, failure: String?, at time: Int64) async throws
        -> Bool
    {
        try await rowCount(
            """
            UPDATE import_jobs SET status = \(status.rawValue), failure = \(failure), end_time = \(time)
            WHERE id = \(id) AND status = 'RUNNING'
            RETURNING 1
            """
        ) == 1
    }

    package func touchImportJobs(_ ids: [UUID], at time: Int64) async throws {
        guard !ids.isEmpty else { return }
        try await statement(
            """
            UPDATE import_jobs SET heartbeat_time = greatest(\(time), heartbeat_time)
            WHERE id = ANY(\(ids)) AND status = 'RUNNING'
            """)
    }

    package func runningImportJobs(owner: String?, heartbeatBefore: Int64?) async throws -> [ImportJob] {
        try await rows(
            """
            SELECT \(unescaped: ImportJobRows.columns) FROM import_jobs
            WHERE status = 'RUNNING' AND (\(owner)::text IS NULL OR owner_node = \(owner))
                AND (\(heartbeatBefore)::bigint IS NULL OR heartbeat_time < \(heartbeatBefore))
            """,
            ImportJobRows.decode
        )
    }

    package func interruptImportJob(_ id: UUID, heartbeatTime: Int64, failure: String, at time: Int64) async throws
        -> Bool
    {
        try await rowCount(
            """
            UPDATE import_jobs SET status = 'FAILED', failure = \(failure), end_time = \(time)
            WHERE id = \(id) AND status = 'RUNNING' AND heartbeat_time = \(heartbeatTime)
            RETURNING 1
            """
        ) == 1
    }

    package func importFailedRows(jobId: UUID, after sequence: Int, limit: Int) async throws -> [ImportFailedRow] {
        try await rows(
            """
            SELECT sequence, text FROM import_failed_rows WHERE job_id = \(jobId) AND sequence > \(Int64(sequence))
            ORDER BY sequence LIMIT \(Int64(max(0, limit)))
            """
        ) { row in
            let (sequence, text) = try row.decode((Int64, String).self)
            return ImportFailedRow(sequence: Int(sequence), text: text)
        }
    }

    /// Writes `checkpoint` on `connection` (in the caller's transaction): the job's counts, error lines and
    /// heartbeat (never moved backwards, and moved by at least 1 ms, so every checkpoint changes it; a concurrent
    /// interruption, which waits for the row lock, then finds another heartbeat and leaves the job alone), and the
    /// failed rows it adds, in one `INSERT … SELECT unnest(…)`.
    /// - Throws: ``ImportJobStoreError/notRunning(_:)`` when the job is not `RUNNING`.
    func writeCheckpoint(_ checkpoint: ImportJobCheckpoint, on connection: PostgresConnection) async throws {
        let progress = checkpoint.progress
        let updated = try await rowCount(
            """
            UPDATE import_jobs SET rows_processed = \(Int64(progress.rowsProcessed)), created = \(Int64(progress.created)),
                updated = \(Int64(progress.updated)), errors = \(Int64(progress.errors)),
                bytes_processed = \(Int64(progress.bytesProcessed)), bytes_total = \(Int64(progress.bytesTotal)),
                rows_total = \(progress.rowsTotal.map(Int64.init)),
                created_profiles = \(JSONValue.serialized(strings: progress.createdProfiles)),
                error_lines = \(JSONValue.serialized(strings: checkpoint.errorLines)),
                heartbeat_time = greatest(\(checkpoint.time), heartbeat_time + 1)
            WHERE id = \(checkpoint.jobId) AND status = 'RUNNING'
            RETURNING 1
            """,
            on: connection
        )
        guard updated == 1 else { throw ImportJobStoreError.notRunning(checkpoint.jobId) }
        guard !checkpoint.failedRows.isEmpty else { return }
        let sequences = checkpoint.failedRows.map { Int64($0.sequence) }
        let texts = checkpoint.failedRows.map(\.text)
        try await connection.query(
            """
            INSERT INTO import_failed_rows (job_id, sequence, text)
            SELECT \(checkpoint.jobId), sequence, text FROM unnest(\(sequences)::bigint[], \(texts)::text[]) AS r (sequence, text)
            """,
            logger: logger
        )
    }
}
