import MusterCoAPCodec
import MusterCore
import MusterProvisionWire
import NIOCore

extension CoAPRouter {
    /// Builds the notification of a shared-attribute change for its observer (RFC 7641 §4.2): 2.05 with the
    /// observer's token, a new Observe number and the changed attributes as `{"key":value}` (only the keys it
    /// asked for), confirmable unless configured otherwise. A change larger than a block goes out as its first
    /// Block2 block with Size2, and the client GETs the rest (RFC 7959 §2.6), as for the registration's answer.
    /// - Parameter notification: The change and its observer.
    /// - Returns: The datagram with its destination, and its Message ID; `nil` when the observer is gone or
    ///   nothing it watches changed.
    package func datagram(
        for notification: CoAPNotification
    ) -> (envelope: AddressedEnvelope<ByteBuffer>, messageID: UInt16)? {
        let messageID = state.nextMessageID()
        let prepared = state.withObservers { registry -> (CoAPObserver, [Attribute], UInt32)? in
            guard let observer = registry.observer(notification.key) else { return nil }
            var changed = notification.attributes
            if let keys = observer.sharedKeys { changed.removeAll { !keys.contains($0.key) } }
            guard !changed.isEmpty else { return nil }
            registry.noteNotification(messageID, to: observer.key, confirmable: configuration.confirmableNotifications)
            return (observer, changed, registry.nextSequence())
        }
        guard let (observer, changed, sequence) = prepared else { return nil }
        var message = CoAPMessage(
            type: configuration.confirmableNotifications ? .confirmable : .nonConfirmable,
            code: .content,
            messageID: messageID,
            token: observer.key.token,
            payload: ByteBuffer(string: DeviceAttributesPayload.object(changed))
        )
        message.observe = sequence
        message.contentFormat = .json
        if message.payload.readableBytes > Self.blockSize,
            let first = try? CoAPBlockSlicer.slice(message.payload, requested: nil)
        {
            let body = CoAPStoredBody(code: .content, contentFormat: .json, body: message.payload)
            state.storeBody(body, for: CoAPTransferKey(peer: observer.key.peer, path: observer.path))
            message.setBody(first)
        }
        return (AddressedEnvelope(remoteAddress: observer.key.peer, data: message.encoded()), messageID)
    }

    /// Retransmits a confirmable notification until it is acknowledged (RFC 7252 §4.2: ACK_TIMEOUT 2 s, doubled
    /// up to MAX_RETRANSMIT 4 times); past that the observer is removed. Stops early when the ACK or a Reset
    /// arrives or the observer deregisters.
    /// - Parameters:
    ///   - envelope: The notification as sent.
    ///   - messageID: Its Message ID.
    ///   - send: Sends a datagram.
    package func retransmit(
        _ envelope: AddressedEnvelope<ByteBuffer>,
        messageID: UInt16,
        send: (AddressedEnvelope<ByteBuffer>) async throws -> Void
    ) async {
        var timeout = Duration.seconds(2)
        for _ in 0..<Self.maxRetransmissions {
            do { try await Task.sleep(for: timeout) } catch { return }
            guard state.withObservers({ $0.awaitsAcknowledgement(messageID) }) else { return }
            try? await send(envelope)
            timeout *= 2
        }
        do { try await Task.sleep(for: timeout) } catch { return }
        if let removed = state.withObservers({ $0.expire(messageID) }) {
            notifier.unsubscribe(removed.subscription, deviceId: removed.deviceId)
        }
    }

    /// MAX_RETRANSMIT (RFC 7252 §4.8).
    static let maxRetransmissions = 4
}
