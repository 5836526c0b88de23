import Foundation
import Synchronization

/// Keeps the state of import jobs in memory, per tenant, and lets them be cancelled. Bounded: past
/// `capacity` jobs the oldest finished ones are forgotten.
package final class ImportJobRegistry: Sendable {
    private let jobs = Mutex([UUID: ImportJob]())
    private let capacity: Int
    private let clock: any WallClock

    package init(clock: any WallClock, capacity: Int = 200) {
        self.clock = clock
        self.capacity = capacity
    }

    /// Registers a new running job.
    package func start(tenantId: UUID, entityType: ImportEntityType, dryRun: Bool, bytesTotal: Int) -> ImportJob {
        let now = clock.nowMilliseconds()
        let job = ImportJob(
            id: EntityIdentifier.make(at: now), tenantId: tenantId, entityType: entityType, dryRun: dryRun,
            bytesTotal: bytesTotal, startTime: now
        )
        jobs.withLock { jobs in
            if jobs.count >= capacity {
                let finished = jobs.values.filter { $0.status != .running }.sorted { $0.startTime < $1.startTime }
                for old in finished.prefix(jobs.count - capacity + 1) { jobs[old.id] = nil }
            }
            jobs[job.id] = job
        }
        return job
    }

    /// The job `id` of `tenantId` (another tenant's job is not found).
    package func job(_ id: UUID, tenantId: UUID) -> ImportJob? {
        jobs.withLock { $0[id] }.flatMap { $0.tenantId == tenantId ? $0 : nil }
    }

    /// The tenant's jobs, newest first.
    package func jobs(tenantId: UUID) -> [ImportJob] {
        jobs.withLock { Array($0.values) }.filter { $0.tenantId == tenantId }.sorted { $0.startTime > $1.startTime }
    }

    /// Asks a running job to stop after its current batch.
    /// - Returns: The job, or `nil` when the tenant has no such job.
    package func cancel(_ id: UUID, tenantId: UUID) -> ImportJob? {
        jobs.withLock { jobs in
            guard var job = jobs[id], job.tenantId == tenantId else { return nil }
            if job.status == .running { job.cancelRequested = true }
            jobs[id] = job
            return job
        }
    }

    /// Whether cancelling `id` was asked for.
    package func isCancelRequested(_ id: UUID) -> Bool {
        jobs.withLock { $0[id]?.cancelRequested ?? false }
    }

    /// Records progress of a running job.
    package func update(_ id: UUID, progress: ImportProgress) {
        jobs.withLock { $0[id]?.progress = progress }
    }

    /// Records the end of a job.
    package func finish(_ id: UUID, summary: ImportSummary) {
        let now = clock.nowMilliseconds()
        jobs.withLock { jobs in
            jobs[id]?.progress = summary.progress
            jobs[id]?.errorLines = summary.errorLines
            jobs[id]?.status = summary.cancelled ? .cancelled : .done
            jobs[id]?.endTime = now
        }
    }

    /// Records that a job could not run or stopped on an error.
    package func fail(_ id: UUID, reason: String) {
        let now = clock.nowMilliseconds()
        jobs.withLock { jobs in
            jobs[id]?.status = .failed
            jobs[id]?.failure = reason
            jobs[id]?.endTime = now
        }
    }
}
