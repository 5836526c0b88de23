import MusterCoAPCodec
import MusterCore
import NIOCore

extension CoAPRouter {
    /// Builds the notification of a shared-attribute change for its observer (RFC 7641 §4.2): 2.05 with the
    /// observer's token, a new Observe number and the changed attributes as `{"key":value}` (only the keys it
    /// asked for), confirmable unless configured otherwise.
    /// - Parameter notification: The change and its observer.
    /// - Returns: The datagram and its destination, or `nil` when the observer is gone or nothing it watches
    ///   changed.
    package func datagram(for notification: CoAPNotification) -> AddressedEnvelope<ByteBuffer>? {
        let messageID = state.nextMessageID()
        let prepared = state.withObservers { registry -> (CoAPObserver, UInt32)? in
            guard let observer = registry.observer(notification.key) else { return nil }
            registry.noteNotification(messageID, to: observer.key)
            return (observer, registry.nextSequence())
        }
        guard let (observer, sequence) = prepared else { return nil }
        var changed = notification.attributes
        if let keys = observer.sharedKeys { changed.removeAll { !keys.contains($0.key) } }
        guard !changed.isEmpty else { return nil }
        var message = CoAPMessage(
            type: configuration.confirmableNotifications ? .confirmable : .nonConfirmable, code: .content,
            messageID: messageID, token: observer.key.token,
            payload: ByteBuffer(string: Self.object(changed).serialized)
        )
        message.observe = sequence
        message.contentFormat = .json
        return AddressedEnvelope(remoteAddress: observer.key.peer, data: message.encoded())
    }
}
