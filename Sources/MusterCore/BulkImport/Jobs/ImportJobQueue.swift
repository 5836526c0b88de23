import Foundation
import Logging

/// Runs submitted import jobs in the background, off the request that uploaded them, and records their progress
/// in the ``ImportJobRegistry``. Its ``run()`` is a long-running service: jobs still running at shutdown are
/// cancelled between two batches (committed rows stay).
package final class ImportJobQueue: Sendable {
    /// A job to run.
    package struct Submission: Sendable {
        package var job: ImportJob
        package var mapping: ImportMapping
        package var source: any ImportSource
        package var errors: (any ImportErrorSink)?
        /// Called when the job has ended, whatever the outcome (e.g. to delete the uploaded file).
        package var cleanup: @Sendable () -> Void

        package init(
            job: ImportJob, mapping: ImportMapping, source: any ImportSource, errors: (any ImportErrorSink)?,
            cleanup: @escaping @Sendable () -> Void
        ) {
            self.job = job
            self.mapping = mapping
            self.source = source
            self.errors = errors
            self.cleanup = cleanup
        }
    }

    package let registry: ImportJobRegistry
    private let importer: BulkImporter
    private let logger: Logger
    private let stream: AsyncStream<Submission>
    private let continuation: AsyncStream<Submission>.Continuation

    package init(registry: ImportJobRegistry, importer: BulkImporter, logger: Logger) {
        self.registry = registry
        self.importer = importer
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Submission.self)
    }

    /// Queues a job; it starts at once.
    package func submit(_ submission: Submission) {
        if case .terminated = continuation.yield(submission) {
            registry.fail(submission.job.id, reason: "the server is shutting down")
            submission.cleanup()
        }
    }

    /// Runs jobs until the task is cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            for await submission in stream {
                group.addTask { await self.execute(submission) }
            }
        }
    }

    /// Stops accepting jobs; ``run()`` returns once the running ones have stopped.
    package func shutdown() {
        continuation.finish()
    }

    private func execute(_ submission: Submission) async {
        let id = submission.job.id
        defer { submission.cleanup() }
        do {
            let summary = try await importer.run(
                mapping: submission.mapping, tenantId: submission.job.tenantId, dryRun: submission.job.dryRun,
                source: submission.source, errors: submission.errors,
                onProgress: { [registry] progress in registry.update(id, progress: progress) },
                isCancelled: { [registry] in registry.isCancelRequested(id) || Task.isCancelled }
            )
            registry.finish(id, summary: summary)
        } catch let error as ImportError {
            registry.fail(id, reason: error.description)
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
            registry.fail(id, reason: "the import stopped on \(condition); rows committed before it stay")
        }
    }
}
