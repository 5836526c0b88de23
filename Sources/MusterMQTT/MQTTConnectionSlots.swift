import Synchronization

/// Counts a listener's connections of one kind against a limit: all of them (`mqtt.maxConnections`), or those not
/// (yet) an authenticated device session (`mqtt.maxUnauthenticatedSessions`: waiting for CONNECT, being
/// authenticated, or provisioning), so that connections cannot pile up without bound.
final class MQTTConnectionSlots: Sendable {
    private let count = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)
    /// The most connections at once.
    let limit: Int

    /// - Parameter limit: The most such connections at once.
    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place for a new connection; `false` when all are taken (the connection is then closed).
    func enter() -> Bool {
        enterCountingRefusals().admitted
    }

    /// Takes a place like ``enter()``, and tells how the refusals stand, for a log line per episode rather than
    /// per connection.
    /// - Returns: `admitted`; `refused`: when refused, how many in a row so far (1 for the first), else how many
    ///   were refused since the last admitted connection (0 when none).
    func enterCountingRefusals() -> (admitted: Bool, refused: Int) {
        guard count.add(1, ordering: .relaxed).newValue <= limit else {
            count.subtract(1, ordering: .relaxed)
            return (false, refused.add(1, ordering: .relaxed).newValue)
        }
        return (true, refused.exchange(0, ordering: .relaxed))
    }

    /// Gives a place back: the connection authenticated as a device, or closed.
    func leave() {
        count.subtract(1, ordering: .relaxed)
    }
}
