import Foundation

/// Where import jobs live, so that every node sharing a database reads and cancels every job, whichever node runs
/// it, and serves its errors CSV.
///
/// A job is created `RUNNING` by the node that runs it (its `owner`), which records its progress
/// (``ImportJobCheckpoint``) with each batch of rows in the batch's own transaction (see ``ImportBatch/checkpoint``)
/// and refreshes its heartbeat while it runs. Every write that changes a running job is conditional on the job
/// still being `RUNNING`, so a job ended by another node (interrupted, see
/// ``interruptImportJob(_:heartbeatTime:failure:at:)``) is never written again by its owner.
package protocol ImportJobStore: Sendable {
    /// Stores a new job as it is given (normally `RUNNING`, no progress).
    /// - Throws: When the id is taken (a bug) or the database fails.
    func createImportJob(_ job: ImportJob) async throws

    /// The job `id` of `tenantId`; another tenant's job is not found.
    func importJob(_ id: UUID, tenantId: UUID) async throws -> ImportJob?

    /// The tenant's newest jobs, newest first (by start time, then id), at most `limit`.
    func importJobs(tenantId: UUID, limit: Int) async throws -> [ImportJob]

    /// Asks the running job `id` of `tenantId` to stop after its current batch (sets `cancelRequested`; a job that
    /// has ended is left as it is).
    /// - Returns: The job after the change, or `nil` when the tenant has no such job.
    func requestImportJobCancel(_ id: UUID, tenantId: UUID) async throws -> ImportJob?

    /// Records a checkpoint of a running job on its own, in one transaction: its progress, error lines and
    /// heartbeat, and the failed rows it adds (used when no rows are written with it: a dry run, a batch of which
    /// every row failed its planning, the end of the file).
    /// - Throws: ``ImportJobStoreError/notRunning(_:)`` when the job is not `RUNNING` (nothing is written).
    func recordImportCheckpoint(_ checkpoint: ImportJobCheckpoint) async throws

    /// Ends the running job `id`: sets its status, failure text and end time.
    /// - Returns: `false` when the job was not `RUNNING` (another node interrupted it; nothing is written).
    func endImportJob(_ id: UUID, status: ImportJobStatus, failure: String?, at time: Int64) async throws -> Bool

    /// Sets the heartbeat of each of `ids` that is still `RUNNING` to `time`, in one statement.
    func touchImportJobs(_ ids: [UUID], at time: Int64) async throws

    /// The `RUNNING` jobs of every tenant owned by `owner` (when given) whose heartbeat is older than
    /// `heartbeatBefore` (when given).
    func runningImportJobs(owner: String?, heartbeatBefore: Int64?) async throws -> [ImportJob]

    /// Marks the job `id` `FAILED` with `failure` and end time `at`, in one conditional statement that changes it
    /// only while it is `RUNNING` with the heartbeat `heartbeatTime` the caller read: every checkpoint moves the
    /// heartbeat, so the counts the caller read (and wrote into `failure`) are the committed ones, and of several
    /// nodes interrupting the same job exactly one succeeds.
    /// - Returns: Whether this call interrupted it.
    func interruptImportJob(_ id: UUID, heartbeatTime: Int64, failure: String, at time: Int64) async throws -> Bool

    /// The job's failed rows (the errors CSV's lines), in sequence order: those after `sequence`, at most `limit`.
    /// Keyed by the job id alone: the caller checks the job's tenant first.
    func importFailedRows(jobId: UUID, after sequence: Int, limit: Int) async throws -> [ImportFailedRow]
}

/// What a running job records with a batch: everything the job reports, as it stands after the batch.
package struct ImportJobCheckpoint: Sendable, Hashable {
    package var jobId: UUID
    /// The job's counts after the batch (they count exactly the rows committed with it and before it).
    package var progress: ImportProgress
    /// The job's first error lines after the batch (bounded by the caller), replacing the stored ones.
    package var errorLines: [String]
    /// The errors CSV lines the batch adds.
    package var failedRows: [ImportFailedRow]
    /// The new heartbeat.
    package var time: Int64

    package init(
        jobId: UUID,
        progress: ImportProgress,
        errorLines: [String],
        failedRows: [ImportFailedRow],
        time: Int64
    ) {
        self.jobId = jobId
        self.progress = progress
        self.errorLines = errorLines
        self.failedRows = failedRows
        self.time = time
    }
}

/// One line of a job's errors CSV (the header or a failed row), without its line break.
package struct ImportFailedRow: Sendable, Hashable {
    /// Its order in the file: the line number of the CSV record it comes from (unique per job).
    package var sequence: Int
    package var text: String

    package init(sequence: Int, text: String) {
        self.sequence = sequence
        self.text = text
    }
}

/// Why a job write was refused.
package enum ImportJobStoreError: Error, Equatable, Sendable {
    /// The job is not `RUNNING` any more (another node interrupted it): its owner must stop writing it, and the
    /// batch that carried the checkpoint was rolled back.
    case notRunning(UUID)
}
