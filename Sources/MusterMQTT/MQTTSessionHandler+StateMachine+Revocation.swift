import MusterCore
import MusterMQTTCodec

extension MQTTSessionHandler.StateMachine {
    /// An admin changed the device's credentials or deleted it: the session ends at once. MQTT 5 gets DISCONNECT
    /// 0x98 Administrative action, the code ThingsBoard sends for both (`CREDENTIALS_UPDATED` and a deleted device),
    /// with a Reason String saying which; MQTT 3.1.1 has no server DISCONNECT, so the socket is closed.
    mutating func revoked(_ reason: DeviceRevocationReason) -> [MQTTSessionHandler.Action] {
        guard phase == .device else { return [] }
        switch reason {
        case .credentialsChanged: return explained(closeWithReason(.administrativeAction), "device credentials updated")
        case .deviceDeleted: return explained(closeWithReason(.administrativeAction), "device deleted")
        }
    }

    /// A newer connection authenticated with the same client id: MQTT 5 DISCONNECT 0x8E Session taken over,
    /// MQTT 3.1.1 a closed socket (§3.1.4).
    mutating func takenOver() -> [MQTTSessionHandler.Action] {
        guard phase == .device else { return [] }
        return explained(closeWithReason(.sessionTakenOver), "session taken over")
    }

    /// Adds a Reason String to the DISCONNECT among `actions` (MQTT 5 §3.14.2.2.3; the server may send one even
    /// when the client asked for no problem information). Besides telling people why, it makes the reason code
    /// reach clients that read it only from a DISCONNECT longer than two bytes (paho-mqtt 2.1).
    private func explained(_ actions: [MQTTSessionHandler.Action], _ text: String) -> [MQTTSessionHandler.Action] {
        actions.map { action in
            guard case .send(.disconnect(var disconnect)) = action else { return action }
            disconnect.properties.reasonString = text
            return .send(.disconnect(disconnect))
        }
    }
}
