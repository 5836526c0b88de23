import Foundation
import Synchronization

/// Which device session holds each MQTT client id, across every listener of the server (plain TCP and TLS), so that
/// a new connection with the same client id takes the older one over: MQTT 3.1.1 §3.1.4 (the server disconnects the
/// existing client) and MQTT 5 §3.1.4 (DISCONNECT 0x8E Session taken over).
///
/// Only authenticated device sessions claim their client id. Provisioning sessions never do: many provisioning
/// clients share the client id `provision`, and one device's provisioning must not cut another's short.
final class MQTTClientIdentifierTable: Sendable {
    private struct Holder {
        var session: UUID
        var takeOver: @Sendable () -> Void
    }

    private let holders = Mutex([String: Holder]())

    init() {}

    /// Makes `session` the holder of `clientId`.
    /// - Parameter takeOver: How to end `session` when a later connection claims the same id.
    /// - Returns: How to end the previous holder, if there was one; the caller calls it.
    func claim(_ clientId: String, session: UUID, takeOver: @escaping @Sendable () -> Void) -> (@Sendable () -> Void)? {
        holders.withLock { holders in
            let previous = holders.updateValue(Holder(session: session, takeOver: takeOver), forKey: clientId)
            return previous.flatMap { $0.session == session ? nil : $0.takeOver }
        }
    }

    /// Gives `clientId` up, unless a newer session holds it already.
    func release(_ clientId: String, session: UUID) {
        holders.withLock { holders in
            if holders[clientId]?.session == session { holders[clientId] = nil }
        }
    }

    /// The number of client ids held (for tests).
    var count: Int { holders.withLock { $0.count } }
}
