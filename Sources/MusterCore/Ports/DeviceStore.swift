import Foundation

/// Devices, their credentials, and assets.
package protocol DeviceStore: Sendable {
    /// Inserts a device with its credentials in one transaction.
    func insertDevice(_ device: Device, credentials: DeviceCredentials) async throws -> EntityWrite
    /// Updates a device's name, label, profile and additional info, and increments its version, when its stored
    /// version is still `device.version` (optimistic locking); otherwise, or for an unknown id, `.notFound`.
    func updateDevice(_ device: Device) async throws -> EntityWrite
    func device(id: UUID, tenantId: UUID) async throws -> Device?
    func device(name: String, tenantId: UUID) async throws -> Device?
    /// A page of devices, optionally only those of one profile.
    func devices(tenantId: UUID, profileId: UUID?, _ page: PageLink) async throws -> Page<DeviceListing>
    /// Deletes the device with its credentials, attributes and time series.
    func deleteDevice(id: UUID, tenantId: UUID) async throws -> Bool
    func credentials(deviceId: UUID) async throws -> DeviceCredentials?
    /// Replaces a device's credentials with `material`, keeping the credentials row's id.
    func replaceCredentials(deviceId: UUID, with material: CredentialsMaterial) async throws -> CredentialsWrite
    /// The device that holds `credentialsId`, with its credentials (device authentication).
    func device(credentialsId: String) async throws -> (Device, DeviceCredentials)?

    func insertAsset(_ asset: Asset) async throws -> EntityWrite
    /// Updates an asset as ``updateDevice(_:)`` does a device (only while its stored version is `asset.version`).
    func updateAsset(_ asset: Asset) async throws -> EntityWrite
    func asset(id: UUID, tenantId: UUID) async throws -> Asset?
    func asset(name: String, tenantId: UUID) async throws -> Asset?
    func assets(tenantId: UUID, profileId: UUID?, _ page: PageLink) async throws -> Page<Asset>
    func deleteAsset(id: UUID, tenantId: UUID) async throws -> Bool
}

/// A device in a list, with what the console shows beside it.
package struct DeviceListing: Sendable, Hashable {
    package var device: Device
    package var credentialsType: CredentialsType?
    package var provisionState: String?

    package init(device: Device, credentialsType: CredentialsType?, provisionState: String?) {
        self.device = device
        self.credentialsType = credentialsType
        self.provisionState = provisionState
    }
}

/// The result of inserting or updating a device or asset.
package enum EntityWrite: Sendable, Equatable {
    case saved
    case notFound
    case nameTaken
    case credentialsTaken
}

/// The result of replacing credentials.
package enum CredentialsWrite: Sendable, Equatable {
    case saved(DeviceCredentials)
    case notFound
    case credentialsTaken
}
