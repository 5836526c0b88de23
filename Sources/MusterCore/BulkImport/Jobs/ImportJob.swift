import Foundation

/// Where an import job stands.
package enum ImportJobStatus: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING"
    case done = "DONE"
    case failed = "FAILED"
    case cancelled = "CANCELLED"
}

/// A snapshot of one import job, as the job API reports it.
package struct ImportJob: Sendable, Hashable {
    package var id: UUID
    package var tenantId: UUID
    package var entityType: ImportEntityType
    package var dryRun: Bool
    package var status: ImportJobStatus
    package var progress: ImportProgress
    /// The first error lines (`Line N: …`), in file order.
    package var errorLines: [String]
    package var startTime: Int64
    package var endTime: Int64?
    /// Why the job failed as a whole (a broken file, a storage error), when it did.
    package var failure: String?
    /// Whether cancelling was asked for.
    package var cancelRequested: Bool
    /// The name of the node that runs the job (its spool file is on that node's disk).
    package var owner: String
    /// When the owner last said it was still running the job (it does every few seconds, and with every batch).
    package var heartbeatTime: Int64

    package init(
        id: UUID, tenantId: UUID, entityType: ImportEntityType, dryRun: Bool, bytesTotal: Int, startTime: Int64,
        owner: String
    ) {
        self.id = id
        self.tenantId = tenantId
        self.entityType = entityType
        self.dryRun = dryRun
        self.status = .running
        self.progress = ImportProgress(bytesTotal: bytesTotal)
        self.errorLines = []
        self.startTime = startTime
        self.endTime = nil
        self.failure = nil
        self.cancelRequested = false
        self.owner = owner
        self.heartbeatTime = startTime
    }

    /// Data rows per second so far (or over the whole run once it ended).
    package func rowsPerSecond(now: Int64) -> Int {
        let elapsed = max(1, (endTime ?? now) - startTime)
        return Int(Int64(progress.rowsProcessed) * 1000 / elapsed)
    }
}
