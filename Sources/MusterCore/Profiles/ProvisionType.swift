/// The four provisioning strategies of a device profile (ThingsBoard's `DeviceProfileProvisionType`).
package enum ProvisionType: String, Sendable, Codable, CaseIterable {
    case disabled = "DISABLED"
    case allowCreateNewDevices = "ALLOW_CREATE_NEW_DEVICES"
    case checkPreProvisionedDevices = "CHECK_PRE_PROVISIONED_DEVICES"
    case x509CertificateChain = "X509_CERTIFICATE_CHAIN"
}

/// What a re-sent provisioning request gets (Muster decision 1).
package enum ReprovisionPolicy: String, Sendable, Codable, CaseIterable {
    /// Answer SUCCESS with the credentials already issued (the default).
    case returnExisting = "RETURN_EXISTING"
    /// Answer FAILURE, as ThingsBoard 4.2.1.1 and later do.
    case reject = "REJECT"
}

/// `profileData.provisionConfiguration` of a device profile.
package struct ProvisionConfiguration: Sendable, Hashable {
    package var type: ProvisionType
    package var provisionDeviceSecret: String?
    /// X.509 chain only: the regular expression whose first group is the device name taken from the CN.
    package var certificateRegExPattern: String?
    /// X.509 chain only: whether an unknown device may be created.
    package var allowCreateNewDevicesByX509Certificate: Bool?
    package var reprovision: ReprovisionPolicy
    /// The secret before the last change, still accepted until ``previousSecretValidUntil`` (a rotation's
    /// overlap); kept by ``ProfileService`` when a profile is saved with a new secret and an overlap.
    package var previousProvisionDeviceSecret: String?
    /// Epoch milliseconds until which ``previousProvisionDeviceSecret`` is accepted.
    package var previousSecretValidUntil: Int64?
    /// Epoch milliseconds from which the provision key admits no device (NOT_FOUND, audited `KEY_EXPIRED`).
    package var validUntil: Int64?
    /// The most devices the key may create (ALLOW_CREATE_NEW_DEVICES); beyond: NOT_FOUND, audited
    /// `BUDGET_EXHAUSTED`. `nil`: no budget.
    package var maxDevices: Int?

    package init(
        type: ProvisionType, provisionDeviceSecret: String? = nil, certificateRegExPattern: String? = nil,
        allowCreateNewDevicesByX509Certificate: Bool? = nil, reprovision: ReprovisionPolicy = .returnExisting,
        previousProvisionDeviceSecret: String? = nil, previousSecretValidUntil: Int64? = nil, validUntil: Int64? = nil,
        maxDevices: Int? = nil
    ) {
        self.maxDevices = maxDevices
        self.type = type
        self.provisionDeviceSecret = provisionDeviceSecret
        self.certificateRegExPattern = certificateRegExPattern
        self.allowCreateNewDevicesByX509Certificate = allowCreateNewDevicesByX509Certificate
        self.reprovision = reprovision
        self.previousProvisionDeviceSecret = previousProvisionDeviceSecret
        self.previousSecretValidUntil = previousSecretValidUntil
        self.validUntil = validUntil
    }

    /// The configuration of a profile that does not provision.
    package static let disabled = ProvisionConfiguration(type: .disabled)
}
