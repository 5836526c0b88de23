import Foundation

/// Why every open session of a device must end: what an admin did to the device.
package enum DeviceRevocationReason: String, Sendable, Hashable, CaseIterable {
    /// Its credentials were replaced (REST `POST /api/device/credentials`, or a CSV import that updates them):
    /// the old token, password or certificate no longer identifies it.
    case credentialsChanged = "CREDENTIALS_CHANGED"
    /// The device was deleted.
    case deviceDeleted = "DEVICE_DELETED"
}

/// "Close every session of this device": published once per change, delivered to every transport (and, with a
/// shared backend, to every node). It never holds a secret or token, only the device's identity.
package struct DeviceSessionRevocation: Sendable, Hashable {
    package var deviceId: UUID
    package var tenantId: UUID
    /// The device's name when it was revoked, for the audit log.
    package var deviceName: String
    package var reason: DeviceRevocationReason

    package init(deviceId: UUID, tenantId: UUID, deviceName: String, reason: DeviceRevocationReason) {
        self.deviceId = deviceId
        self.tenantId = tenantId
        self.deviceName = deviceName
        self.reason = reason
    }
}

/// Why a transport closed one device session, as written in the audit log's `reason`.
package enum DeviceSessionCloseReason: Sendable, Hashable {
    /// An admin revoked the device (credentials changed, device deleted).
    case revoked(DeviceRevocationReason)
    /// A newer MQTT connection with the same client id replaced it (MQTT 3.1.1 §3.1.4, MQTT 5 0x8E).
    case takenOver

    /// The audit log's reason code.
    package var auditReason: String {
        switch self {
        case .revoked(let reason): return reason.rawValue
        case .takenOver: return "SESSION_TAKEN_OVER"
        }
    }
}

/// One device session a transport closed, for the audit log.
package struct DeviceSessionClosure: Sendable, Hashable {
    package var deviceId: UUID
    package var tenantId: UUID
    package var deviceName: String
    package var transport: ProvisionTransport
    /// The peer's address (no port for MQTT, `host:port` for a CoAP observer).
    package var sourceAddress: String
    package var reason: DeviceSessionCloseReason

    package init(
        deviceId: UUID, tenantId: UUID, deviceName: String, transport: ProvisionTransport, sourceAddress: String,
        reason: DeviceSessionCloseReason
    ) {
        self.deviceId = deviceId
        self.tenantId = tenantId
        self.deviceName = deviceName
        self.transport = transport
        self.sourceAddress = sourceAddress
        self.reason = reason
    }
}
