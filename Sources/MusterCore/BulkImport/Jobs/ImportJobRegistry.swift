import Foundation
import Synchronization

/// Import jobs as every node sees them: kept in the store (``ImportJobStore``), so a job started on one node is
/// listed, read and cancelled through any node, tenant by tenant (another tenant's job is not found). It also knows
/// which jobs this node runs, for their heartbeats and spool files.
package final class ImportJobRegistry: Sendable {
    /// The jobs a tenant's list shows at most.
    package static let listLimit = 200
    /// A running job whose heartbeat is older than this is taken for dead (its node stopped).
    package static let staleAfterMilliseconds: Int64 = 15_000

    package let store: any ImportJobStore
    /// The name of this node, the owner of the jobs it starts.
    package let nodeName: String
    private let clock: any WallClock
    private let local = Mutex(Set<UUID>())

    package init(store: any ImportJobStore, clock: any WallClock, nodeName: String) {
        self.store = store
        self.clock = clock
        self.nodeName = nodeName
    }

    /// Registers a new running job owned by this node.
    package func start(
        tenantId: UUID, entityType: ImportEntityType, dryRun: Bool, bytesTotal: Int
    ) async throws -> ImportJob {
        let now = clock.nowMilliseconds()
        let job = ImportJob(
            id: EntityIdentifier.make(at: now), tenantId: tenantId, entityType: entityType, dryRun: dryRun,
            bytesTotal: bytesTotal, startTime: now, owner: nodeName
        )
        local.withLock { _ = $0.insert(job.id) }
        do {
            try await store.createImportJob(job)
        } catch {
            release(job.id)
            throw error
        }
        return job
    }

    /// The jobs this node runs (registered and not yet released).
    package var runningHere: Set<UUID> { local.withLock { $0 } }

    /// Forgets that this node runs `id` (the job has ended here).
    package func release(_ id: UUID) {
        local.withLock { _ = $0.remove(id) }
    }

    /// The job `id` of `tenantId` (another tenant's job is not found).
    package func job(_ id: UUID, tenantId: UUID) async throws -> ImportJob? {
        try await store.importJob(id, tenantId: tenantId)
    }

    /// The tenant's newest jobs, newest first.
    package func jobs(tenantId: UUID) async throws -> [ImportJob] {
        try await store.importJobs(tenantId: tenantId, limit: Self.listLimit)
    }

    /// Asks a running job to stop after its current batch, whichever node runs it.
    /// - Returns: The job, or `nil` when the tenant has no such job.
    package func cancel(_ id: UUID, tenantId: UUID) async throws -> ImportJob? {
        try await store.requestImportJobCancel(id, tenantId: tenantId)
    }

    /// Whether cancelling `id` was asked for (read from the store).
    package func isCancelRequested(_ id: UUID, tenantId: UUID) async throws -> Bool {
        try await store.importJob(id, tenantId: tenantId)?.cancelRequested ?? false
    }

    /// Records the end of a job (its counts are already stored with its last batch).
    /// - Parameter reason: Why a cancelled job stopped, when not because a user asked (shutdown).
    package func finish(_ id: UUID, summary: ImportSummary, reason: String? = nil) async throws {
        _ = try await store.endImportJob(
            id, status: summary.cancelled ? .cancelled : .done, failure: summary.cancelled ? reason : nil,
            at: clock.nowMilliseconds())
    }

    /// Records that a job could not run or stopped on an error.
    package func fail(_ id: UUID, reason: String) async throws {
        _ = try await store.endImportJob(id, status: .failed, failure: reason, at: clock.nowMilliseconds())
    }

    /// Refreshes the heartbeat of every job this node runs.
    package func heartbeat() async throws {
        let ids = runningHere
        guard !ids.isEmpty else { return }
        try await store.touchImportJobs(Array(ids), at: clock.nowMilliseconds())
    }

    /// Marks `FAILED` (``interruption(of:)``) every running job whose owner stopped: those of any node whose
    /// heartbeat is older than ``staleAfterMilliseconds``, and, with `ownedHere`, those owned by this node's name
    /// that it does not run (left by an earlier process of this node). Each job is interrupted by one conditional
    /// write, so of several nodes reaping at once exactly one interrupts it.
    /// - Returns: The jobs this call interrupted.
    @discardableResult
    package func reap(ownedHere: Bool = false) async throws -> [ImportJob] {
        let now = clock.nowMilliseconds()
        let staleBefore = now - Self.staleAfterMilliseconds
        var candidates = try await store.runningImportJobs(owner: nil, heartbeatBefore: staleBefore)
        if ownedHere { candidates += try await store.runningImportJobs(owner: nodeName, heartbeatBefore: nil) }
        let here = runningHere
        var interrupted: [ImportJob] = []
        var seen: Set<UUID> = []
        for job in candidates where !here.contains(job.id) && seen.insert(job.id).inserted {
            let failure = Self.interruption(of: job)
            if try await store.interruptImportJob(job.id, heartbeatTime: job.heartbeatTime, failure: failure, at: now) {
                interrupted.append(job)
            }
        }
        return interrupted
    }

    /// The failure text of a job whose node stopped while it ran: its committed counts.
    package static func interruption(of job: ImportJob) -> String {
        let progress = job.progress
        let committed = progress.created + progress.updated + progress.errors
        return "interrupted: node \(job.owner) stopped; \(committed) rows committed (\(progress.created) created, "
            + "\(progress.updated) updated, \(progress.errors) failed)"
    }
}
