import Foundation

/// Tells device sessions (MQTT, CoAP observers) that an admin changed shared attributes of their device.
/// Subscribers register a callback per device; publishing never blocks on a subscriber.
package final class AttributeChangeHub: Sendable {
    /// Called with the changed shared attributes.
    package typealias Listener = @Sendable ([Attribute]) -> Void

    private let listeners = DeviceListeners<[Attribute]>()

    package init() {}

    /// Registers `listener` for `deviceId`; returns a token for ``unsubscribe(_:deviceId:)``.
    package func subscribe(deviceId: UUID, _ listener: @escaping Listener) -> UUID {
        listeners.subscribe(deviceId: deviceId, listener)
    }

    package func unsubscribe(_ token: UUID, deviceId: UUID) {
        listeners.unsubscribe(token, deviceId: deviceId)
    }

    /// The number of sessions subscribed for `deviceId` (a change published on another node is read from the store
    /// only when this node has one).
    package func subscriberCount(deviceId: UUID) -> Int {
        listeners.count(deviceId: deviceId)
    }

    /// Calls every listener of `deviceId` with `attributes`.
    package func publish(deviceId: UUID, shared attributes: [Attribute]) {
        listeners.call(deviceId: deviceId, attributes)
    }
}
