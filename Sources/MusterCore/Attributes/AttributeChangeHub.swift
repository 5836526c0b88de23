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

    package func publish(deviceId: UUID, shared attributes: [Attribute]) {
        listeners.call(deviceId: deviceId, attributes)
    }
}
