import Foundation

/// Why an admin operation was refused. The HTTP mapping turns each case into ThingsBoard's status and message.
package enum AdminError: Error, Equatable, Sendable {
    /// The entity does not exist in the caller's tenant (a foreign id is reported the same way).
    case notFound(EntityKind, UUID?)
    case nameTaken(EntityKind)
    case invalidName(EntityKind, EntityName.Failure)
    /// A field is missing or has a value that is not allowed; `reason` is a plain sentence without secrets.
    case invalidField(field: String, reason: String)
    case credentials(CredentialsError)
    case provisionKeyTaken
    /// Another X.509 certificate-chain profile holds the same CA certificate.
    case certificateTaken
    case profileInUse(EntityKind)
    case defaultProfileDeletion(EntityKind)
    case forbidden
    case emailTaken
    /// An update carried a `version` other than the stored one: someone changed the entity since it was read.
    case versionMismatch(EntityKind)
}
