import Foundation

/// The transport a provisioning attempt arrived on.
package enum ProvisionTransport: String, Sendable, Codable, CaseIterable {
    case http = "HTTP"
    case mqtt = "MQTT"
    case coap = "COAP"
}

/// How a provisioning attempt ended, or (``sessionClosed``) that a transport closed a device session.
package enum ProvisionOutcome: String, Sendable, Codable, CaseIterable {
    case success = "SUCCESS"
    case notFound = "NOT_FOUND"
    case failure = "FAILURE"
    case rateLimited = "RATE_LIMITED"
    case badRequest = "BAD_REQUEST"
    /// A device session was closed by the server: its device was revoked (`CREDENTIALS_CHANGED`,
    /// `DEVICE_DELETED`) or another MQTT connection took its client id over (`SESSION_TAKEN_OVER`).
    case sessionClosed = "SESSION_CLOSED"
}

/// One provisioning attempt, or one device session the server closed, in the audit log. It never holds a secret,
/// token or password.
package struct AuditEntry: Sendable, Hashable {
    package var id: UUID
    /// The tenant of the profile the key named; `nil` when the key matched no profile.
    package var tenantId: UUID?
    package var time: Int64
    package var transport: ProvisionTransport
    package var sourceAddress: String
    package var profileId: UUID?
    package var profileName: String?
    package var deviceId: UUID?
    package var deviceName: String?
    package var outcome: ProvisionOutcome
    /// A precise reason code (`PROVISIONED`, `SECRET_MISMATCH`, `DEVICE_NAME_TAKEN`, …).
    package var reason: String

    package init(
        id: UUID, tenantId: UUID?, time: Int64, transport: ProvisionTransport, sourceAddress: String, profileId: UUID?,
        profileName: String?, deviceId: UUID?, deviceName: String?, outcome: ProvisionOutcome, reason: String
    ) {
        self.id = id
        self.tenantId = tenantId
        self.time = time
        self.transport = transport
        self.sourceAddress = sourceAddress
        self.profileId = profileId
        self.profileName = profileName
        self.deviceId = deviceId
        self.deviceName = deviceName
        self.outcome = outcome
        self.reason = reason
    }
}

/// Receives audit entries without waiting for storage.
package protocol AuditSink: Sendable {
    func record(_ entry: AuditEntry)
}
