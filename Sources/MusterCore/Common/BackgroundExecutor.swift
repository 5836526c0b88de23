import Dispatch

/// A task executor on threads of their own (a concurrent dispatch queue), for long stretches of CPU work: a bulk
/// import's scanning and planning, password hashing.
///
/// The server runs Swift concurrency's global executor on its network event loops (see `muster serve`), so that a
/// request's code runs on the thread that reads and writes its socket. Work that computes for tens of milliseconds
/// without suspending would hold that event loop's connections for as long; on these threads, the kernel's
/// scheduler shares the cores between it and the event loops instead.
package final class BackgroundExecutor: TaskExecutor {
    private let queue: DispatchQueue

    package init(label: String) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// The process's executor for CPU-bound work.
    package static let shared = BackgroundExecutor(label: "muster.background")
}

/// Runs `body` with its nonisolated code (and the tasks it creates) on ``BackgroundExecutor/shared``.
package func onBackgroundThreads<T: Sendable, Failure: Error>(
    _ body: () async throws(Failure) -> T
) async throws(Failure) -> T {
    try await withTaskExecutorPreference(BackgroundExecutor.shared, operation: body)
}
