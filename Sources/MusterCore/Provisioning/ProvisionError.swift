/// The outcome of a provisioning request that did not succeed. Each transport maps it to the wire in one
/// function; the reasons are precise for the audit log but never reach the device.
package enum ProvisionError: Error, Equatable, Sendable {
    /// ThingsBoard's NOT_FOUND status.
    case notFound(ProvisionNotFoundReason)
    /// ThingsBoard's FAILURE status.
    case failure(ProvisionFailureReason)
    /// The source or key is cooling off after too many failures (Muster decision 7).
    case rateLimited(retryAfterSeconds: Int)
}

/// Why a request got NOT_FOUND.
package enum ProvisionNotFoundReason: String, Equatable, Sendable, CaseIterable {
    case emptyKeyOrSecret = "EMPTY_KEY_OR_SECRET"
    case unknownKey = "UNKNOWN_PROVISION_KEY"
    case noSecretConfigured = "NO_SECRET_CONFIGURED"
    case secretMismatch = "SECRET_MISMATCH"
    case strategyDisabled = "STRATEGY_DISABLED"
    /// A key/secret request hit an X.509 certificate-chain profile (decision 9).
    case x509ChainProfile = "X509_CHAIN_PROFILE"
    /// The secret was the profile's previous one, after its rotation's overlap ended.
    case previousSecretExpired = "PREVIOUS_SECRET_EXPIRED"
    /// The provision key is past its `validUntil`.
    case keyExpired = "KEY_EXPIRED"
    /// The provision key created as many devices as its budget allows.
    case budgetExhausted = "BUDGET_EXHAUSTED"
}

/// Why a request got FAILURE.
package enum ProvisionFailureReason: Equatable, Sendable {
    case blankDeviceName
    case invalidDeviceName(EntityName.Failure)
    /// ALLOW_CREATE: a device of that name exists but was not provisioned through this profile.
    case deviceNameTaken
    /// CHECK_PRE: no device of that name in this profile.
    case deviceNotPreProvisioned
    /// The device was already provisioned and the profile's policy is REJECT.
    case alreadyProvisioned
    /// `provisionState` holds something other than `provisioned`.
    case unknownProvisionState
    /// A re-send named other credentials than the ones issued (for MQTT basic: client id, user name, password).
    case credentialsMismatch
    case invalidCredentials(CredentialsError)
    /// The requested credentials belong to another device.
    case credentialsTaken
    /// The store failed; nothing was written. The condition, when the store named one (a lost or busy database, a
    /// full disk): the transports then answer "unavailable, retry" (HTTP 503, CoAP 5.03) instead of FAILURE.
    case storageFailure(StoreFailure?)
    /// X.509 chain (§2.8): a certificate of the chain is expired or not yet valid.
    case certificateNotValid
    /// X.509 chain (§2.8): the leaf has no common name, or the profile's pattern does not match it or has no group.
    case certificateNameUnmatched
    /// X.509 chain (§2.8): the profile's `certificateRegExPattern` is not a valid regular expression.
    case invalidCertificatePattern

    /// A stable code for the audit log.
    package var code: String {
        switch self {
        case .blankDeviceName: return "BLANK_DEVICE_NAME"
        case .invalidDeviceName: return "INVALID_DEVICE_NAME"
        case .deviceNameTaken: return "DEVICE_NAME_TAKEN"
        case .deviceNotPreProvisioned: return "DEVICE_NOT_PRE_PROVISIONED"
        case .alreadyProvisioned: return "ALREADY_PROVISIONED"
        case .unknownProvisionState: return "UNKNOWN_PROVISION_STATE"
        case .credentialsMismatch: return "CREDENTIALS_MISMATCH"
        case .invalidCredentials: return "INVALID_CREDENTIALS"
        case .credentialsTaken: return "CREDENTIALS_TAKEN"
        case .storageFailure: return "STORAGE_FAILURE"
        case .certificateNotValid: return "CERTIFICATE_NOT_VALID"
        case .certificateNameUnmatched: return "CERTIFICATE_NAME_UNMATCHED"
        case .invalidCertificatePattern: return "INVALID_CERTIFICATE_PATTERN"
        }
    }
}
