import Foundation
import Logging
import Synchronization

/// Runs submitted import jobs in the background, off the request that uploaded them, and records them in the
/// ``ImportJobRegistry`` (the store). Its ``run()`` is a long-running service that also, on this node:
/// - refreshes the heartbeat of the jobs it runs every ``Configuration/heartbeatInterval``;
/// - every ``Configuration/reapInterval`` marks `FAILED` ("interrupted") the running jobs of any node whose
///   heartbeat is stale, and sweeps this node's spool files of jobs it does not run;
/// - at start, interrupts the jobs an earlier process of this node left `RUNNING`, and sweeps the spool (the
///   composition root deletes the uploads an earlier process left half-written before any listener binds).
///
/// Jobs still running at shutdown stop between two batches (committed rows stay) and end `CANCELLED`, with the
/// shutdown as their failure text.
package final class ImportJobQueue: Sendable {
    /// A job to run.
    package struct Submission: Sendable {
        package var job: ImportJob
        package var mapping: ImportMapping
        package var source: any ImportSource
        /// Called when the job has ended, whatever the outcome (e.g. to delete the uploaded file).
        package var cleanup: @Sendable () -> Void
        /// Called once the job's end is recorded, with the job as stored then (`nil` when it could not be read):
        /// the audit of who imported what.
        package var ended: @Sendable (ImportJob?) -> Void

        package init(
            job: ImportJob, mapping: ImportMapping, source: any ImportSource, cleanup: @escaping @Sendable () -> Void,
            ended: @escaping @Sendable (ImportJob?) -> Void = { _ in }
        ) {
            self.job = job
            self.mapping = mapping
            self.source = source
            self.cleanup = cleanup
            self.ended = ended
        }
    }

    /// The background timings.
    package struct Configuration: Sendable {
        package var heartbeatInterval: Duration
        package var reapInterval: Duration

        package init(heartbeatInterval: Duration = .seconds(2), reapInterval: Duration = .seconds(5)) {
            self.heartbeatInterval = heartbeatInterval
            self.reapInterval = reapInterval
        }
    }

    package let registry: ImportJobRegistry
    private let importer: BulkImporter
    private let logger: Logger
    private let configuration: Configuration
    /// Deletes this node's spool files of jobs not in the given set (the jobs it runs).
    private let sweepSpool: @Sendable (_ running: Set<UUID>) -> Void
    private let stream: AsyncStream<Submission>
    private let continuation: AsyncStream<Submission>.Continuation
    private let stopping = Atomic<Bool>(false)

    package init(
        registry: ImportJobRegistry, importer: BulkImporter, logger: Logger, configuration: Configuration = .init(),
        sweepSpool: @escaping @Sendable (_ running: Set<UUID>) -> Void = { _ in }
    ) {
        self.registry = registry
        self.importer = importer
        self.logger = logger
        self.configuration = configuration
        self.sweepSpool = sweepSpool
        (stream, continuation) = AsyncStream.makeStream(of: Submission.self)
    }

    /// Queues a job; it starts at once.
    package func submit(_ submission: Submission) async {
        if case .terminated = continuation.yield(submission) {
            try? await registry.fail(submission.job.id, reason: "the server is shutting down")
            registry.release(submission.job.id)
            submission.cleanup()
        }
    }

    /// Interrupts what an earlier process of this node left running and sweeps the spool, then runs jobs, the
    /// heartbeat and the reaper until ``shutdown()`` (running jobs end first) or cancellation.
    package func run() async {
        await withTaskGroup(of: Void.self) { background in
            background.addTask {
                await self.every(self.configuration.heartbeatInterval, stopsWhenStopping: false) {
                    try await self.registry.heartbeat()
                }
            }
            background.addTask {
                await Self.uncancelled { await self.reap(ownedHere: true) }
                await self.every(self.configuration.reapInterval) { await self.reap(ownedHere: false) }
            }
            await withDiscardingTaskGroup { group in
                for await submission in stream {
                    group.addTask { await self.execute(submission) }
                }
            }
            background.cancelAll()
        }
    }

    /// Stops accepting jobs and asks the running ones to stop after their current batch; ``run()`` returns once
    /// they have stopped.
    package func shutdown() {
        stopping.store(true, ordering: .relaxed)
        continuation.finish()
    }

    /// Whether the node is shutting down (or the job's task was cancelled).
    private var isStopping: Bool { stopping.load(ordering: .relaxed) || Task.isCancelled }

    private func every(
        _ interval: Duration, stopsWhenStopping: Bool = true, _ body: @escaping @Sendable () async throws -> Void
    ) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            // Once shutting down, no new upkeep: the node's jobs are ending, and the store closes after them.
            // (the heartbeat goes on while the running jobs finish their batch.)
            guard !stopping.load(ordering: .relaxed) || !stopsWhenStopping else { return }
            await Self.uncancelled { [logger] in
                do {
                    try await body()
                } catch {
                    self.noteStoreFailure()
                    logger.warning("import job upkeep failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Runs `body` to its end when the calling task is cancelled while it runs (at shutdown the upkeep loops are
    /// cancelled): a cancelled PostgreSQL statement makes PostgresNIO close its connection mid-query (a full test
    /// run once stopped on PostgresNIO's state machine in such a close). But not for ever: a statement stuck on a
    /// connection the database dropped would hold the node's shutdown past its bound, so `body` is cancelled
    /// ``cancellationGrace`` after its caller. The task is awaited, so it never outlives the caller.
    private static func uncancelled(_ body: @escaping @Sendable () async -> Void) async {
        let task = Task { await body() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            Task {
                try? await Task.sleep(for: cancellationGrace)
                task.cancel()
            }
        }
    }

    /// How long an upkeep statement may go on after the node's shutdown cancelled its loop (within the 2 s that
    /// ServiceLifecycle gives cancelled services).
    private static let cancellationGrace: Duration = .milliseconds(800)

    /// When this node last saw the store fail (the heartbeat's or the reaper's statements), or `nil`.
    private let lastStoreFailure = Mutex<ContinuousClock.Instant?>(nil)

    /// Notes a failed upkeep statement's time.
    private func noteStoreFailure() {
        lastStoreFailure.withLock { $0 = .now }
    }

    private func reap(ownedHere: Bool) async {
        // After the store was away (a failover, a restart), every node's heartbeats are stale: give their owners the
        // stale period to write them again before calling any job interrupted. The jobs themselves pause through an
        // outage of up to a minute (`BulkImporter.Configuration.outageLimit`).
        if !ownedHere, let failed = lastStoreFailure.withLock({ $0 }),
            ContinuousClock.now - failed < .milliseconds(ImportJobRegistry.staleAfterMilliseconds)
        {
            return
        }
        do {
            for job in try await registry.reap(ownedHere: ownedHere) {
                logger.warning(
                    "import job interrupted: its node stopped",
                    metadata: ["job": "\(job.id)", "owner": "\(job.owner)"])
            }
        } catch {
            noteStoreFailure()
            logger.warning("import job reaper failed", metadata: ["error": "\(error)"])
        }
        sweepSpool(registry.runningHere)
    }

    private func execute(_ submission: Submission) async {
        let job = submission.job
        let id = job.id
        defer {
            registry.release(id)
            submission.cleanup()
        }
        do {
            let summary = try await importer.run(
                mapping: submission.mapping, tenantId: job.tenantId, dryRun: job.dryRun, source: submission.source,
                job: ImportJobLink(id: id, store: registry.store),
                isCancelled: {
                    if self.isStopping { return true }
                    do {
                        return try await self.registry.isCancelRequested(id, tenantId: job.tenantId)
                    } catch let error as any StoreFailureReporting where error.storeFailure != nil {
                        // The database is away (a failover): not cancelled; the next batch waits for it.
                        return false
                    }
                }
            )
            let shutdown = summary.cancelled && isStopping
            let reason = "the server (node \(registry.nodeName)) shut down; rows committed before it stay"
            try await registry.finish(id, summary: summary, reason: shutdown ? reason : nil)
        } catch ImportJobStoreError.notRunning {
            logger.warning("import job stopped: another node ended it", metadata: ["job": "\(id)"])
        } catch let error as ImportError {
            await record(id, failure: error.description)
        } catch {
            let cause = (error as? any StoreFailureReporting)?.storeDiagnostic ?? "\(error)"
            logger.error("import job failed", metadata: ["job": "\(id)", "error": "\(cause)"])
            let condition: String
            switch (error as? any StoreFailureReporting)?.storeFailure {
            case .full: condition = "a full disk"
            case .busy: condition = "a busy database"
            case .io: condition = "a database I/O error"
            case .unavailable: condition = "an unavailable database"
            case nil: condition = "a storage error"
            }
            // The upload goes first: on a full disk its space is what lets the failure be written.
            submission.cleanup()
            await record(id, failure: "the import stopped on \(condition); rows committed before it stay", retrying: true)
        }
        submission.ended((try? await registry.job(id, tenantId: job.tenantId)) ?? nil)
    }

    /// Marks the job failed. With `retrying`, a write refused by a condition of the store (a full disk, a lost
    /// database) is tried again, at most every 5 s, until it is written or the node stops: the job stays this
    /// node's meanwhile, so no reaper calls it interrupted. When the write fails for good, the reaper of some node
    /// marks the job interrupted once its heartbeat is stale (this node stops refreshing it once it is released).
    private func record(_ id: UUID, failure: String, retrying: Bool = false) async {
        var delay = Duration.milliseconds(250)
        var logged = false
        while true {
            do {
                try await registry.fail(id, reason: failure)
                if logged { logger.notice("import job end recorded", metadata: ["job": "\(id)"]) }
                return
            } catch {
                let condition = (error as? any StoreFailureReporting)?.storeFailure
                let cause = (error as? any StoreFailureReporting)?.storeDiagnostic ?? "\(error)"
                guard retrying, condition != nil, !isStopping else {
                    logger.error("import job end not recorded", metadata: ["job": "\(id)", "error": "\(cause)"])
                    return
                }
                if !logged {
                    logger.warning("import job end not recorded yet, retrying", metadata: ["job": "\(id)", "error": "\(cause)"])
                    logged = true
                }
            }
            do { try await Task.sleep(for: delay) } catch { return }
            delay = min(delay * 2, .seconds(5))
        }
    }
}
