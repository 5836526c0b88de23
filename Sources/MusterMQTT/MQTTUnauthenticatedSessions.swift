import Synchronization

/// Counts a listener's connections that are not an authenticated device session (waiting for CONNECT, being
/// authenticated, or provisioning), so that idle or provisioning connections cannot pile up without bound.
final class MQTTUnauthenticatedSessions: Sendable {
    private let count = Atomic<Int>(0)
    private let limit: Int

    /// - Parameter limit: The most such connections at once.
    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place for a new connection; `false` when all are taken (the connection is then closed).
    func enter() -> Bool {
        guard count.add(1, ordering: .relaxed).newValue <= limit else {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives a place back: the connection authenticated as a device, or closed.
    func leave() {
        count.subtract(1, ordering: .relaxed)
    }
}
