/// What an audit entry records: a device's provisioning attempt, a device session the server closed, an admin login,
/// or an admin's change or read of the tenant's data.
package enum AuditAction: String, Sendable, Codable, CaseIterable {
    /// A provisioning attempt by a device (every outcome of ``ProvisionOutcome`` but the session and login ones).
    case provision = "PROVISION"
    /// The server closed a device session (``ProvisionOutcome/sessionClosed``).
    case deviceSessionClosed = "DEVICE_SESSION_CLOSED"
    /// An admin login: succeeded (``ProvisionOutcome/success``), failed, refused or locked out.
    case login = "LOGIN"
    case tenantCreated = "TENANT_CREATED"
    case userCreated = "USER_CREATED"
    case profileCreated = "PROFILE_CREATED"
    case profileUpdated = "PROFILE_UPDATED"
    case profileDeleted = "PROFILE_DELETED"
    case deviceCreated = "DEVICE_CREATED"
    case deviceUpdated = "DEVICE_UPDATED"
    case deviceDeleted = "DEVICE_DELETED"
    /// A device's credentials were shown to an admin (the credentials themselves are never in the log).
    case credentialsRead = "CREDENTIALS_READ"
    case credentialsUpdated = "CREDENTIALS_UPDATED"
    case assetCreated = "ASSET_CREATED"
    case assetUpdated = "ASSET_UPDATED"
    case assetDeleted = "ASSET_DELETED"
    case attributesUpdated = "ATTRIBUTES_UPDATED"
    case attributesDeleted = "ATTRIBUTES_DELETED"
    case timeseriesUpdated = "TIMESERIES_UPDATED"
    /// A CSV import, a job or ThingsBoard's synchronous endpoint, ended (who, file name, counts in the details).
    case imported = "IMPORT"
    /// An export in the import's dialect was read (entity type, profile, whether credentials were in it).
    case exported = "EXPORT"

    /// The action of an entry written before actions were recorded: implied by its outcome.
    package static func implied(by outcome: ProvisionOutcome) -> AuditAction {
        switch outcome {
        case .success, .notFound, .failure, .rateLimited, .badRequest: .provision
        case .sessionClosed: .deviceSessionClosed
        case .loginFailed, .loginRefused, .lockedOut: .login
        }
    }

    /// Whether an admin did this (an actor is recorded), rather than a device.
    package var isAdminAction: Bool {
        switch self {
        case .provision, .deviceSessionClosed: false
        default: true
        }
    }
}
