import Logging
import MusterCoAPCodec
import MusterCore
import NIOCore

extension CoAPRouter {
    /// Ends an observation whose device was revoked (RFC 7641 §4.2): the observer is removed and gets a final
    /// notification with the observation's token, 4.01 (credentials changed) or 4.04 (device deleted) and no
    /// Observe option, so that the client knows it ends. It is sent once, confirmable when notifications are
    /// (the observer is gone, so it is not retransmitted). The closure is audited.
    /// - Parameters:
    ///   - key: The observer.
    ///   - revocation: What happened to its device.
    /// - Returns: The datagram with its destination; `nil` when the observer is already gone.
    package func finalDatagram(
        for key: CoAPObserverKey, revocation: DeviceSessionRevocation
    ) -> AddressedEnvelope<ByteBuffer>? {
        let removed = state.withObservers { registry -> CoAPObserver? in
            guard registry.observer(key)?.deviceId == revocation.deviceId else { return nil }
            return registry.deregister(key)
        }
        guard let removed else { return nil }
        notifier.unsubscribe(removed.subscription, deviceId: removed.deviceId)
        let source = "\(key.peer.ipAddress ?? "unknown"):\(key.peer.port ?? 0)"
        notifier.sessions.recordClosure(DeviceSessionClosure(
            deviceId: revocation.deviceId, tenantId: revocation.tenantId, deviceName: revocation.deviceName,
            transport: .coap, sourceAddress: source, reason: .revoked(revocation.reason)
        ))
        logger.info("CoAP observation ended", metadata: [
            "device": "\(revocation.deviceId)", "source": "\(source)", "reason": "\(revocation.reason.rawValue)",
        ])
        let message = CoAPMessage(
            type: configuration.confirmableNotifications ? .confirmable : .nonConfirmable,
            code: CoAPCode(revocation.reason),
            messageID: state.nextMessageID(),
            token: key.token
        )
        return AddressedEnvelope(remoteAddress: key.peer, data: message.encoded())
    }
}
