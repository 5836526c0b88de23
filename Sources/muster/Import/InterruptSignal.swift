import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts SIGINT (Ctrl-C) while an import job is being watched, instead of letting it end the process, so that the
/// command can cancel the job on the server and still report it. ``stop()`` restores the default behaviour.
final class InterruptSignal: Sendable {
    private let count = Mutex(0)
    // The source is created, resumed and cancelled from the command's task only; Dispatch itself is thread-safe.
    private nonisolated(unsafe) let source: any DispatchSourceSignal

    /// Starts counting SIGINT.
    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.count.withLock { $0 += 1 } }
        source.resume()
    }

    /// How many times SIGINT arrived since ``init()``.
    var received: Int { count.withLock { $0 } }

    /// Stops counting; SIGINT ends the process again.
    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
