import Foundation

/// What provisioning needs from storage. Besides ``MusterStore``'s contract: uniqueness (a device name per tenant,
/// a credentials id installation-wide, one `provisionState` per device) is decided by the database's constraints,
/// so that concurrent identical requests, on one node or several, create exactly one device.
package protocol ProvisioningStore: Sendable {
    /// The profile whose `provisionDeviceKey` is exactly `key`, in any tenant (at most one: the key is unique
    /// installation-wide): one indexed read.
    func deviceProfile(provisionKey key: String) async throws -> DeviceProfile?

    /// Every `X509_CERTIFICATE_CHAIN` profile that holds a CA certificate (its provision key), in any tenant, in no
    /// particular order.
    func certificateChainProfiles() async throws -> [DeviceProfile]

    /// The device called exactly `name` in `tenantId`, with its credentials and its `provisionState` server
    /// attribute, read in one statement (so the three agree).
    func provisioningSnapshot(tenantId: UUID, deviceName name: String) async throws -> ProvisioningSnapshot?

    /// Inserts the device, its credentials and its `provisionState = "provisioned"` server attribute (a string,
    /// updated at `plan.provisionedAt`), all or nothing. A store may run concurrent calls in one shared transaction
    /// (group commit), each in a savepoint of its own, so that one call's refusal leaves the others untouched.
    ///
    /// The device is inserted before its credentials: a plan whose name and credentials id are both taken is
    /// `.nameTaken`. Of concurrent plans with the same tenant and name at most one is `.created`, and when one is,
    /// the others are `.nameTaken` (the core then reads the winner's snapshot and answers as for a re-send).
    /// With a ``ProvisionedDevicePlan/budget``, the profile's count of devices created through its key goes up by
    /// one in the same transaction, only while it is below the budget: of concurrent plans, on any number of
    /// nodes, at most `budget` are ever `.created`.
    /// - Returns: `.created`; `.nameTaken` (``StoreConstraint/deviceName``), `.credentialsTaken`
    ///   (``StoreConstraint/credentialsId``) or `.budgetExhausted`, with nothing of the plan written.
    /// - Throws: Any other error, with nothing of the plan written; when a shared transaction fails to commit, every
    ///   call in it throws.
    func createProvisionedDevice(_ plan: ProvisionedDevicePlan) async throws -> ProvisionedDeviceCreation

    /// Writes `provisionState = "provisioned"` (updated at `timestamp`) for `deviceId` unless the device already
    /// has a `provisionState`, in one transaction whose insert is `ON CONFLICT DO NOTHING`: of concurrent calls for
    /// one device exactly one is `.marked`. No tenant check.
    /// - Returns: `.marked`, or `.alreadySet` with the value found (nothing written then).
    /// - Throws: The store's "device not found" error when no device has that id.
    func markProvisioned(deviceId: UUID, at timestamp: Int64) async throws -> ProvisionMark

    /// Replaces a device's credentials, as ``DeviceStore/replaceCredentials(deviceId:with:)`` (X.509 chain
    /// provisioning re-writes them with the presented certificate).
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
    /// The profile's budget (`provisionConfiguration.maxDevices`): the device is created only while fewer than this
    /// many were created through the profile's key, counted in the same transaction (`.budgetExhausted`
    /// otherwise); `nil`: no budget, nothing counted.
    package var budget: Int?

    package init(device: Device, credentials: DeviceCredentials, provisionedAt: Int64, budget: Int? = nil) {
        self.device = device
        self.credentials = credentials
        self.provisionedAt = provisionedAt
        self.budget = budget
    }
}

/// The result of ``ProvisioningStore/createProvisionedDevice(_:)``.
package enum ProvisionedDeviceCreation: Sendable, Equatable {
    case created
    case nameTaken
    case credentialsTaken
    /// The plan's budget is spent: nothing of it was written.
    case budgetExhausted
}

/// The result of ``ProvisioningStore/markProvisioned(deviceId:at:)``.
package enum ProvisionMark: Sendable, Equatable {
    case marked
    case alreadySet(AttributeValue)
}
