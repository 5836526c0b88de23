import Foundation

/// The transport a provisioning attempt arrived on.
package enum ProvisionTransport: String, Sendable, Codable, CaseIterable {
    case http = "HTTP"
    case mqtt = "MQTT"
    case coap = "COAP"
}

/// How a provisioning attempt ended, or (``sessionClosed``) that a transport closed a device session.
package enum ProvisionOutcome: String, Sendable, Codable, CaseIterable {
    /// A provisioning attempt succeeded (`PROVISIONED`, `RESENT`), an admin logged in (`LOGGED_IN`) or an admin
    /// action was done (reason: the action's name).
    case success = "SUCCESS"
    case notFound = "NOT_FOUND"
    case failure = "FAILURE"
    case rateLimited = "RATE_LIMITED"
    case badRequest = "BAD_REQUEST"
    /// A device session was closed by the server: its device was revoked (`CREDENTIALS_CHANGED`,
    /// `DEVICE_DELETED`) or another MQTT connection took its client id over (`SESSION_TAKEN_OVER`).
    case sessionClosed = "SESSION_CLOSED"
    /// An admin login failed: unknown account or wrong password (`UNKNOWN_ACCOUNT`, `INVALID_PASSWORD`).
    case loginFailed = "LOGIN_FAILED"
    /// An admin login was refused unchecked because its account or source is cooling off (`ACCOUNT_LOCKED`,
    /// `SOURCE_LOCKED`).
    case loginRefused = "LOGIN_REFUSED"
    /// A failed admin login started a cooling-off period of its account or source (`ACCOUNT_LOCKED`,
    /// `SOURCE_LOCKED`).
    case lockedOut = "LOCKED_OUT"
}

/// One provisioning attempt, one device session the server closed, one admin login, or one admin action, in the audit
/// log. It never holds a secret, token or password. A login entry holds the user's id (when the account exists) in
/// `deviceId` and the e-mail as typed in `deviceName`; an admin action on a device or an asset holds the entity's id
/// and name there (its ``action`` says which kind), on a profile only the profile's fields.
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
    /// The node that served the attempt (`node.name`), set by ``AuditRecorder``; `nil` for entries written before
    /// nodes were named.
    package var node: String?
    /// What was done (implied by the outcome for entries written before actions were recorded).
    package var action: AuditAction
    /// The admin who did it (their e-mail), or the e-mail typed at a login; `nil` for a device's attempt.
    package var actor: String?
    /// What changed, in plain words without any secret value: the fields of a profile, the file and counts of an
    /// import.
    package var details: String?

    package init(
        id: UUID, tenantId: UUID?, time: Int64, transport: ProvisionTransport, sourceAddress: String, profileId: UUID?,
        profileName: String?, deviceId: UUID?, deviceName: String?, outcome: ProvisionOutcome, reason: String,
        node: String? = nil, action: AuditAction? = nil, actor: String? = nil, details: String? = nil
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
        self.node = node
        self.action = action ?? AuditAction.implied(by: outcome)
        self.actor = actor
        self.details = details
    }
}

/// Receives audit entries without waiting for storage.
package protocol AuditSink: Sendable {
    func record(_ entry: AuditEntry)
}
