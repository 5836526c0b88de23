import Foundation
import MusterCoAPCodec
import NIOCore

/// Identifies one observation: the client endpoint and the token it registered with (RFC 7641 §3.1).
package struct CoAPObserverKey: Hashable, Sendable {
    /// The client's address.
    package var peer: SocketAddress
    /// The registration's token, repeated in every notification.
    package var token: CoAPToken

    /// Creates a key.
    package init(peer: SocketAddress, token: CoAPToken) {
        self.peer = peer
        self.token = token
    }
}

/// One registered observer of `/api/v1/{token}/attributes`.
package struct CoAPObserver: Sendable {
    /// Who observes.
    package var key: CoAPObserverKey
    /// The device whose shared attributes are observed.
    package var deviceId: UUID
    /// The shared keys asked for, or `nil` for all.
    package var sharedKeys: [String]?
    /// The attribute change hub subscription to cancel on deregistration.
    package var subscription: UUID
    /// The Uri-Path observed, where the client fetches the rest of a notification larger than a block.
    package var path: String

    /// Creates an observer.
    package init(key: CoAPObserverKey, deviceId: UUID, sharedKeys: [String]?, subscription: UUID, path: String = "") {
        self.key = key
        self.deviceId = deviceId
        self.sharedKeys = sharedKeys
        self.subscription = subscription
        self.path = path
    }
}

/// The observers of the CoAP endpoint (RFC 7641 §4): bounded, with increasing Observe numbers and the
/// Message IDs of recent notifications so that a Reset answering one deregisters its observer.
package struct CoAPObserverRegistry: Sendable {
    /// The most observers kept.
    package let limit: Int
    private var observers: [CoAPObserverKey: CoAPObserver] = [:]
    private var sequence: UInt32 = 1
    /// Message ID of a recent notification → its observer; bounded to a few per observer.
    private var notifications: [UInt16: CoAPObserverKey] = [:]
    private var notificationOrder: [UInt16] = []
    /// Message IDs of confirmable notifications not acknowledged yet.
    private var unacknowledged: Set<UInt16> = []

    /// Creates an empty registry.
    /// - Parameter limit: The most observers kept.
    package init(limit: Int) {
        self.limit = limit
    }

    /// The number of observers.
    package var count: Int { observers.count }

    /// The observer registered under `key`, if any.
    package func observer(_ key: CoAPObserverKey) -> CoAPObserver? { observers[key] }

    /// Adds or replaces an observer (a new GET with Observe=0 and the same token replaces the old one).
    /// - Parameter observer: The observer.
    /// - Returns: Whether it was added, and the observer it replaced (whose subscription must be cancelled).
    ///   It is not added when the registry is full.
    package mutating func register(_ observer: CoAPObserver) -> (added: Bool, replaced: CoAPObserver?) {
        let replaced = observers[observer.key]
        guard replaced != nil || observers.count < limit else { return (false, nil) }
        observers[observer.key] = observer
        return (true, replaced)
    }

    /// Removes an observer (GET with Observe=1, or a Reset to a notification).
    /// - Parameter key: The observer's key.
    /// - Returns: The removed observer, whose subscription must be cancelled.
    package mutating func deregister(_ key: CoAPObserverKey) -> CoAPObserver? {
        observers.removeValue(forKey: key)
    }

    /// The next Observe number: strictly increasing across the registry, 24 bits (RFC 7641 §4.4).
    package mutating func nextSequence() -> UInt32 {
        sequence = (sequence + 1) & 0xFF_FFFF
        return sequence
    }

    /// Remembers the Message ID of a notification sent to `key`.
    /// - Parameters:
    ///   - messageID: The notification's Message ID.
    ///   - key: Its observer.
    ///   - confirmable: Whether it is a CON awaiting an ACK.
    package mutating func noteNotification(_ messageID: UInt16, to key: CoAPObserverKey, confirmable: Bool = false) {
        if notifications.updateValue(key, forKey: messageID) == nil { notificationOrder.append(messageID) }
        if confirmable { unacknowledged.insert(messageID) }
        let bound = max(64, min(observers.count * 4, 65_536))
        while notificationOrder.count > bound {
            let oldest = notificationOrder.removeFirst()
            notifications[oldest] = nil
            unacknowledged.remove(oldest)
        }
    }

    /// Records the ACK of a confirmable notification.
    /// - Parameters:
    ///   - messageID: The ACK's Message ID, the notification's.
    ///   - peer: Who sent the ACK.
    package mutating func acknowledge(_ messageID: UInt16, from peer: SocketAddress) {
        guard notifications[messageID]?.peer == peer else { return }
        unacknowledged.remove(messageID)
    }

    /// Whether a confirmable notification still waits for its ACK (and its observer is still registered).
    /// - Parameter messageID: The notification's Message ID.
    package func awaitsAcknowledgement(_ messageID: UInt16) -> Bool {
        guard unacknowledged.contains(messageID), let key = notifications[messageID] else { return false }
        return observers[key] != nil
    }

    /// Gives up on a confirmable notification that was never acknowledged: its observer is removed
    /// (RFC 7641 §4.5, the client is considered gone).
    /// - Parameter messageID: The notification's Message ID.
    /// - Returns: The removed observer, whose subscription must be cancelled.
    package mutating func expire(_ messageID: UInt16) -> CoAPObserver? {
        guard unacknowledged.remove(messageID) != nil, let key = notifications[messageID] else { return nil }
        return deregister(key)
    }

    /// Removes the observer a Reset refers to (RFC 7641 §3.6: a Reset answering a notification deregisters).
    /// - Parameters:
    ///   - messageID: The Reset's Message ID, the notification's.
    ///   - peer: Who sent the Reset.
    /// - Returns: The removed observer, if the Message ID matched a notification to that peer.
    package mutating func deregister(resetOf messageID: UInt16, from peer: SocketAddress) -> CoAPObserver? {
        guard let key = notifications[messageID], key.peer == peer else { return nil }
        notifications[messageID] = nil
        unacknowledged.remove(messageID)
        return deregister(key)
    }
}
