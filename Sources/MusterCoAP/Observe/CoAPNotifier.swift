import Foundation
import MusterCore
import Synchronization

/// A change to deliver to one observer.
package struct CoAPNotification: Sendable {
    /// The observer to notify.
    package var key: CoAPObserverKey
    /// The shared attributes that changed.
    package var attributes: [Attribute]
    /// Set when the observer's device was revoked: the service then sends the final notifications of
    /// ``CoAPNotifier/takeRevocations()``.
    package var revocation: DeviceSessionRevocation?

    /// Creates a notification.
    package init(key: CoAPObserverKey, attributes: [Attribute], revocation: DeviceSessionRevocation? = nil) {
        self.key = key
        self.attributes = attributes
        self.revocation = revocation
    }
}

/// Bridges ``AttributeChangeHub`` and ``DeviceSessionHub`` callbacks (called on the admin's request path, which must
/// never block) to the CoAP service, which drains ``notifications`` and sends one datagram per observer.
package final class CoAPNotifier: Sendable {
    /// The changes to send, in order; the oldest are dropped past the buffer limit.
    package let notifications: AsyncStream<CoAPNotification>
    private let continuation: AsyncStream<CoAPNotification>.Continuation
    private let hub: AttributeChangeHub
    /// Where revocations arrive and closures are audited.
    package let sessions: DeviceSessionHub
    /// Attribute subscription → the same observer's revocation subscription.
    private let revocationSubscriptions = Mutex([UUID: UUID]())
    /// Observers whose device was revoked and who have not had their final notification yet. Kept beside the stream,
    /// whose buffer drops the oldest entries under load: a revocation must never be dropped.
    private let pendingRevocations = Mutex([CoAPObserverKey: DeviceSessionRevocation]())

    /// Creates a notifier.
    /// - Parameters:
    ///   - hub: Where admins' shared-attribute changes are published.
    ///   - sessions: Where revocations of devices (credentials changed, device deleted) are published.
    ///   - bufferLimit: The most changes waiting to be sent.
    package init(hub: AttributeChangeHub, sessions: DeviceSessionHub = DeviceSessionHub(), bufferLimit: Int = 4096) {
        self.hub = hub
        self.sessions = sessions
        (notifications, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
    }

    /// Subscribes an observer to its device's shared-attribute changes and to its revocation.
    /// - Parameters:
    ///   - key: The observer.
    ///   - deviceId: Its device.
    /// - Returns: The subscription, for ``unsubscribe(_:deviceId:)``.
    package func subscribe(_ key: CoAPObserverKey, deviceId: UUID) -> UUID {
        let subscription = hub.subscribe(deviceId: deviceId) { [continuation] attributes in
            continuation.yield(CoAPNotification(key: key, attributes: attributes))
        }
        let revocation = sessions.subscribe(deviceId: deviceId, transport: .coap) { [continuation, weak self] revocation in
            self?.pendingRevocations.withLock { $0[key] = revocation }
            continuation.yield(CoAPNotification(key: key, attributes: [], revocation: revocation))
        }
        revocationSubscriptions.withLock { $0[subscription] = revocation }
        return subscription
    }

    /// Cancels a subscription made by ``subscribe(_:deviceId:)``.
    package func unsubscribe(_ subscription: UUID, deviceId: UUID) {
        hub.unsubscribe(subscription, deviceId: deviceId)
        if let revocation = revocationSubscriptions.withLock({ $0.removeValue(forKey: subscription) }) {
            sessions.unsubscribe(revocation, deviceId: deviceId)
        }
    }

    /// The observers revoked since the last call, with their revocation; the service sends each its final
    /// notification before anything else it takes from ``notifications``.
    package func takeRevocations() -> [(key: CoAPObserverKey, revocation: DeviceSessionRevocation)] {
        pendingRevocations.withLock { pending in
            defer { pending.removeAll() }
            return pending.map { (key: $0.key, revocation: $0.value) }
        }
    }

    /// Ends ``notifications`` (on shutdown).
    package func finish() {
        continuation.finish()
    }
}
