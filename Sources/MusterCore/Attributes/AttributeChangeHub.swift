import Foundation
import Synchronization

/// Tells device sessions (MQTT, CoAP observers) that an admin changed shared attributes of their device.
/// Subscribers register a callback per device; publishing never blocks on a subscriber.
package final class AttributeChangeHub: Sendable {
    /// Called with the changed shared attributes.
    package typealias Listener = @Sendable ([Attribute]) -> Void

    private let listeners = Mutex([UUID: [UUID: Listener]]())

    package init() {}

    /// Registers `listener` for `deviceId`; returns a token for ``unsubscribe(_:deviceId:)``.
    package func subscribe(deviceId: UUID, _ listener: @escaping Listener) -> UUID {
        let token = UUID()
        listeners.withLock { $0[deviceId, default: [:]][token] = listener }
        return token
    }

    package func unsubscribe(_ token: UUID, deviceId: UUID) {
        listeners.withLock { all in
            all[deviceId]?[token] = nil
            if all[deviceId]?.isEmpty == true { all[deviceId] = nil }
        }
    }

    package func publish(deviceId: UUID, shared attributes: [Attribute]) {
        let current = listeners.withLock { $0[deviceId].map { Array($0.values) } ?? [] }
        for listener in current { listener(attributes) }
    }
}
