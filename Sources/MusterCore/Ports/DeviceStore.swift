import Foundation

/// Devices, their credentials, and assets. Besides ``MusterStore``'s contract:
///
/// - **Unique names:** one device per name and one asset per name in a tenant (``StoreConstraint/deviceName``,
///   ``StoreConstraint/assetName``), compared exactly (case-sensitive; the core trims names before). A violation is
///   ``EntityWrite/nameTaken``.
/// - **Unique credentials:** one device per credentials id installation-wide (``StoreConstraint/credentialsId``),
///   and one set of credentials per device. A violation is ``EntityWrite/credentialsTaken`` or
///   ``CredentialsWrite/credentialsTaken``.
/// - **Profiles of the tenant:** a device's or asset's profile must be one of its own tenant's
///   (``StoreConstraint/foreignKey``). A violation is ``EntityWrite/notFound``.
/// - **Type:** `type` is stored as given. The core always gives the name of the entity's profile; the store keeps
///   it so when that profile is renamed (``ProfileStore``'s *type follows the profile's name*).
package protocol DeviceStore: Sendable {
    /// Inserts a device with its credentials (stored for `device.id`), in one transaction; `device.version` and
    /// `createdTime` are stored as given.
    /// - Returns: `.saved`; `.nameTaken`, `.credentialsTaken`, or `.notFound` when the profile is not one of the
    ///   device's tenant's. Nothing is written unless `.saved`.
    func insertDevice(_ device: Device, credentials: DeviceCredentials) async throws -> EntityWrite
    /// Updates a device's name, label, profile, type and additional info and increments its version, in one
    /// statement, when the tenant has the device and its stored version is still `device.version` (optimistic
    /// locking); its id, tenant, creation time and credentials are left alone.
    /// - Returns: `.saved`; `.notFound` for an unknown id, another tenant's, a stale version, or a profile that is
    ///   not the tenant's; `.nameTaken` when another device of the tenant has the name. Nothing is written unless
    ///   `.saved`.
    func updateDevice(_ device: Device) async throws -> EntityWrite
    /// The device `id` of `tenantId`.
    func device(id: UUID, tenantId: UUID) async throws -> Device?
    /// The device called exactly `name` in `tenantId`.
    func device(name: String, tenantId: UUID) async throws -> Device?
    /// A page of the tenant's devices, optionally only those of one profile, each with its credentials type and
    /// its `provisionState` server attribute as text (`nil` when absent), read on one snapshot.
    ///
    /// `totalElements` counts every device of the tenant (or profile) exactly; with a `textSearch` it counts the
    /// matches up to a cap (100,000 by default), so that a short prefix over a large fleet stays cheap.
    func devices(tenantId: UUID, profileId: UUID?, _ page: PageLink) async throws -> Page<DeviceListing>
    /// Deletes the device with its credentials, attributes and time series (samples and latest values), in one
    /// transaction.
    /// - Returns: `false`, changing nothing, when the tenant has no such device.
    func deleteDevice(id: UUID, tenantId: UUID) async throws -> Bool
    /// The credentials of `deviceId` (no tenant check).
    func credentials(deviceId: UUID) async throws -> DeviceCredentials?
    /// Replaces the type, id and value of a device's credentials with `material` in one statement, keeping the
    /// credentials row's id and creation time and incrementing its version (no tenant check).
    /// - Returns: `.saved` with the stored credentials; `.notFound` when the device has none; `.credentialsTaken`
    ///   when another device holds `material.credentialsId`, with nothing written.
    func replaceCredentials(deviceId: UUID, with material: CredentialsMaterial) async throws -> CredentialsWrite
    /// The device that holds exactly `credentialsId`, in any tenant, with its credentials (device authentication):
    /// one indexed read.
    func device(credentialsId: String) async throws -> (Device, DeviceCredentials)?
    /// The devices that hold any of `credentialsIds` (a few: an MQTT CONNECT's MQTT-basic id and its user name), in
    /// any tenant, with their credentials, in one read; in no particular order, an id nobody holds left out.
    func devices(credentialsIds: [String]) async throws -> [(Device, DeviceCredentials)]

    /// Inserts an asset, as ``insertDevice(_:credentials:)`` does a device (without credentials).
    /// - Returns: `.saved`; `.nameTaken`, or `.notFound` when the profile is not one of the asset's tenant's.
    func insertAsset(_ asset: Asset) async throws -> EntityWrite
    /// Updates an asset as ``updateDevice(_:)`` does a device (only while its stored version is `asset.version`).
    /// - Returns: `.saved`, `.notFound` or `.nameTaken`, as ``updateDevice(_:)``.
    func updateAsset(_ asset: Asset) async throws -> EntityWrite
    /// The asset `id` of `tenantId`.
    func asset(id: UUID, tenantId: UUID) async throws -> Asset?
    /// The asset called exactly `name` in `tenantId`.
    func asset(name: String, tenantId: UUID) async throws -> Asset?
    /// A page of the tenant's assets, optionally only those of one profile, with totals as
    /// ``devices(tenantId:profileId:_:)``.
    func assets(tenantId: UUID, profileId: UUID?, _ page: PageLink) async throws -> Page<Asset>
    /// Deletes the asset with its attributes and time series, in one transaction.
    /// - Returns: `false`, changing nothing, when the tenant has no such asset.
    func deleteAsset(id: UUID, tenantId: UUID) async throws -> Bool
}

/// A device in a list, with what the console shows beside it.
package struct DeviceListing: Sendable, Hashable {
    package var device: Device
    package var credentialsType: CredentialsType?
    package var provisionState: String?
    /// When the device last sent something: its latest telemetry or client attribute (epoch milliseconds); `nil`
    /// when it never did.
    package var lastActivityTime: Int64?

    package init(device: Device, credentialsType: CredentialsType?, provisionState: String?, lastActivityTime: Int64? = nil) {
        self.device = device
        self.credentialsType = credentialsType
        self.provisionState = provisionState
        self.lastActivityTime = lastActivityTime
    }
}

/// The result of inserting or updating a device or asset.
package enum EntityWrite: Sendable, Equatable {
    case saved
    /// No such entity (or not at that version), or its profile is not the tenant's (``StoreConstraint/foreignKey``).
    case notFound
    /// ``StoreConstraint/deviceName`` or ``StoreConstraint/assetName``.
    case nameTaken
    /// ``StoreConstraint/credentialsId``.
    case credentialsTaken
}

/// The result of replacing credentials.
package enum CredentialsWrite: Sendable, Equatable {
    /// The credentials as stored.
    case saved(DeviceCredentials)
    /// The device has no credentials.
    case notFound
    /// ``StoreConstraint/credentialsId``.
    case credentialsTaken
}
