import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINTs counted by the handler; a signal handler can only reach global state.
private let interruptsReceived = Atomic<Int>(0)

/// Counts SIGINT (Ctrl-C) while an import job is being watched, instead of letting it end the process, so that the
/// command can cancel the job on the server and still report it. ``stop()`` restores the default behaviour.
///
/// A plain signal handler (one atomic increment, which is async-signal-safe), not a Dispatch signal source: on
/// Linux Dispatch reads signals from a `signalfd` and blocks the signal only in the thread that made the source,
/// so a SIGINT that the kernel hands to any other thread of the process was ignored and never counted.
final class InterruptSignal: Sendable {
    private let baseline: Int

    /// Starts counting SIGINT.
    init() {
        baseline = interruptsReceived.load(ordering: .sequentiallyConsistent)
        signal(SIGINT) { _ in interruptsReceived.add(1, ordering: .sequentiallyConsistent) }
    }

    /// How many times SIGINT arrived since ``init()``.
    var received: Int { interruptsReceived.load(ordering: .sequentiallyConsistent) - baseline }

    /// Stops counting; SIGINT ends the process again.
    func stop() {
        signal(SIGINT, SIG_DFL)
    }
}
