import Foundation
import MusterCore

/// A change to deliver to one observer.
package struct CoAPNotification: Sendable {
    /// The observer to notify.
    package var key: CoAPObserverKey
    /// The shared attributes that changed.
    package var attributes: [Attribute]

    /// Creates a notification.
    package init(key: CoAPObserverKey, attributes: [Attribute]) {
        self.key = key
        self.attributes = attributes
    }
}

/// Bridges ``AttributeChangeHub`` callbacks (called on the admin's request path, which must never block) to
/// the CoAP service, which drains ``notifications`` and sends one datagram per observer.
package final class CoAPNotifier: Sendable {
    /// The changes to send, in order; the oldest are dropped past the buffer limit.
    package let notifications: AsyncStream<CoAPNotification>
    private let continuation: AsyncStream<CoAPNotification>.Continuation
    private let hub: AttributeChangeHub

    /// Creates a notifier.
    /// - Parameters:
    ///   - hub: Where admins' shared-attribute changes are published.
    ///   - bufferLimit: The most changes waiting to be sent.
    package init(hub: AttributeChangeHub, bufferLimit: Int = 4096) {
        self.hub = hub
        (notifications, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
    }

    /// Subscribes an observer to its device's shared-attribute changes.
    /// - Parameters:
    ///   - key: The observer.
    ///   - deviceId: Its device.
    /// - Returns: The hub subscription, for ``unsubscribe(_:deviceId:)``.
    package func subscribe(_ key: CoAPObserverKey, deviceId: UUID) -> UUID {
        hub.subscribe(deviceId: deviceId) { [continuation] attributes in
            continuation.yield(CoAPNotification(key: key, attributes: attributes))
        }
    }

    /// Cancels a hub subscription.
    package func unsubscribe(_ subscription: UUID, deviceId: UUID) {
        hub.unsubscribe(subscription, deviceId: deviceId)
    }

    /// Ends ``notifications`` (on shutdown).
    package func finish() {
        continuation.finish()
    }
}
