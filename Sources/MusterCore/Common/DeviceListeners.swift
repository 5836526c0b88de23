import Foundation
import Synchronization

/// Callbacks registered per device id, each under a token: the subscription table that the attribute-change hub
/// and the session-revocation hub share. Calling the listeners happens outside the lock, so a listener may
/// subscribe or unsubscribe.
package final class DeviceListeners<Event: Sendable>: Sendable {
    package typealias Listener = @Sendable (Event) -> Void

    private let table = Mutex([UUID: [UUID: Listener]]())

    package init() {}

    /// Registers `listener` for `deviceId`; returns a token for ``unsubscribe(_:deviceId:)``.
    package func subscribe(deviceId: UUID, _ listener: @escaping Listener) -> UUID {
        let token = UUID()
        table.withLock { $0[deviceId, default: [:]][token] = listener }
        return token
    }

    package func unsubscribe(_ token: UUID, deviceId: UUID) {
        table.withLock { all in
            all[deviceId]?[token] = nil
            if all[deviceId]?.isEmpty == true { all[deviceId] = nil }
        }
    }

    /// The number of listeners of `deviceId`.
    package func count(deviceId: UUID) -> Int {
        table.withLock { $0[deviceId]?.count ?? 0 }
    }

    /// Calls every listener of `deviceId` with `event`.
    package func call(deviceId: UUID, _ event: Event) {
        let current = table.withLock { $0[deviceId].map { Array($0.values) } ?? [] }
        for listener in current { listener(event) }
    }
}
