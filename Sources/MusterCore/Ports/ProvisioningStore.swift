import Foundation

/// What provisioning needs from storage. Each mutating method is one transaction, and uniqueness
/// (device name per tenant, credentials id installation-wide, one `provisionState` per device) is decided by
/// the database's constraints.
package protocol ProvisioningStore: Sendable {
    /// The profile whose `provisionDeviceKey` is exactly `key`, in any tenant.
    func deviceProfile(provisionKey key: String) async throws -> DeviceProfile?

    /// Every `X509_CERTIFICATE_CHAIN` profile that holds a CA certificate, in any tenant.
    func certificateChainProfiles() async throws -> [DeviceProfile]

    /// The device called `name` in `tenantId`, with its credentials and `provisionState`.
    func provisioningSnapshot(tenantId: UUID, deviceName name: String) async throws -> ProvisioningSnapshot?

    /// Inserts the device, its credentials and its `provisionState` attribute in one transaction.
    /// - Returns: `.nameTaken` or `.credentialsTaken` when a constraint refused it; nothing is written then.
    func createProvisionedDevice(_ plan: ProvisionedDevicePlan) async throws -> ProvisionedDeviceCreation

    /// Writes `provisionState = provisioned` unless the device already has a `provisionState`.
    /// - Returns: `.marked`, or `.alreadySet` with the value found.
    func markProvisioned(deviceId: UUID, at timestamp: Int64) async throws -> ProvisionMark

    /// Replaces a device's credentials (X.509 chain provisioning re-writes them with the presented certificate).
    func replaceCredentials(deviceId: UUID, with material: CredentialsMaterial) async throws -> CredentialsWrite
}

/// A device as provisioning sees it.
package struct ProvisioningSnapshot: Sendable, Hashable {
    package var device: Device
    package var credentials: DeviceCredentials?
    package var provisionState: AttributeValue?

    package init(device: Device, credentials: DeviceCredentials?, provisionState: AttributeValue?) {
        self.device = device
        self.credentials = credentials
        self.provisionState = provisionState
    }
}

/// A device to create by provisioning, with its credentials; `provisionState` is written at `provisionedAt`.
package struct ProvisionedDevicePlan: Sendable, Hashable {
    package var device: Device
    package var credentials: DeviceCredentials
    package var provisionedAt: Int64

    package init(device: Device, credentials: DeviceCredentials, provisionedAt: Int64) {
        self.device = device
        self.credentials = credentials
        self.provisionedAt = provisionedAt
    }
}

/// The result of ``ProvisioningStore/createProvisionedDevice(_:)``.
package enum ProvisionedDeviceCreation: Sendable, Equatable {
    case created
    case nameTaken
    case credentialsTaken
}

/// The result of ``ProvisioningStore/markProvisioned(deviceId:at:)``.
package enum ProvisionMark: Sendable, Equatable {
    case marked
    case alreadySet(AttributeValue)
}
