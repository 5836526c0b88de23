import Foundation

/// Device and asset profiles. Besides ``MusterStore``'s contract, every store holds these rules; the core relies on
/// them and never repeats them:
///
/// - **One default profile per tenant.** A tenant has at most one default device profile and at most one default
///   asset profile (``StoreConstraint/defaultDeviceProfile``, ``StoreConstraint/defaultAssetProfile``). A call that
///   makes a profile the default (``setDefaultDeviceProfile(id:tenantId:)``, or a save with `isDefault`) clears the
///   tenant's previous default in the same transaction, so it never fails on that constraint. Such calls are
///   serialised per tenant by the database (SQLite's single writer; on PostgreSQL a transaction-scoped advisory lock
///   on the tenant), on one node or several: concurrent ones end with exactly one default, the one whose call
///   committed last. A store never picks a default by itself: saving the default with `isDefault == false` leaves
///   the tenant without one (the core never does).
/// - **Type follows the profile's name.** A device's or asset's `type` is its profile's name. Saving a profile sets
///   the `type` of every device (asset) of that profile to the profile's name in the same transaction, so a rename
///   reaches them all at once. The writes of devices and assets store the `type` they are given, which the core
///   takes from the profile it read: a rename that commits between that read and the write leaves the older name on
///   that one entity until it or its profile is saved again.
/// - **Unique names and keys.** One device profile and one asset profile per name in a tenant (exact,
///   case-sensitive), and one device profile per provision key installation-wide (profiles without a key do not
///   collide).
package protocol ProfileStore: Sendable {
    /// Inserts a device profile, or replaces the tenant's profile with that id, in one transaction. A replace keeps
    /// the stored id, tenant and creation time and stores the stored version + 1 (the version is not compared: the
    /// caller checks it); an insert stores the profile as given. With `isDefault`, the profile becomes the tenant's
    /// only default, and the profile's devices take its name as their `type` (see the rules above).
    /// - Returns: `.saved`; `.nameTaken` (``StoreConstraint/deviceProfileName``) or `.provisionKeyTaken`
    ///   (``StoreConstraint/provisionKey``), with nothing written.
    /// - Throws: The store's "id owned by another tenant" error, with nothing written, when `profile.id` is another
    ///   tenant's profile.
    /// How many devices were created through `profileId`'s provision key while it had a budget
    /// (``ProvisionConfiguration/maxDevices``; counted by ``ProvisioningStore/createProvisionedDevice(_:)``), 0 when
    /// none was.
    func devicesCreatedThroughKey(profileId: UUID) async throws -> Int

    func saveDeviceProfile(_ profile: DeviceProfile) async throws -> ProfileWrite
    /// The device profile `id` of `tenantId`.
    func deviceProfile(id: UUID, tenantId: UUID) async throws -> DeviceProfile?
    /// The device profile called exactly `name` in `tenantId`.
    func deviceProfile(name: String, tenantId: UUID) async throws -> DeviceProfile?
    /// The tenant's default device profile, if it has one.
    func defaultDeviceProfile(tenantId: UUID) async throws -> DeviceProfile?
    /// A page of the tenant's device profiles with their exact total; ``PageLink/SortProperty/type`` sorts by
    /// transport type.
    func deviceProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<DeviceProfile>
    /// Makes `id` the tenant's only default device profile, clearing the previous default in the same transaction
    /// (*one default profile per tenant*, above).
    /// - Returns: `false`, changing nothing, when the tenant has no profile `id`.
    func setDefaultDeviceProfile(id: UUID, tenantId: UUID) async throws -> Bool
    /// Deletes the tenant's device profile `id`, in one statement. Whether it is the default is the caller's
    /// concern (the core refuses to delete the default).
    /// - Returns: `.deleted`; `.inUse` when devices still use it (``StoreConstraint/foreignKey``); `.notFound` when
    ///   the tenant has no such profile. Nothing is written unless `.deleted`.
    func deleteDeviceProfile(id: UUID, tenantId: UUID) async throws -> ProfileDeletion

    /// Inserts or replaces an asset profile as ``saveDeviceProfile(_:)`` does a device profile: the only default
    /// with `isDefault`, and the profile's assets take its name as their `type`.
    /// - Returns: `.saved` or `.nameTaken` (``StoreConstraint/assetProfileName``), with nothing written then.
    /// - Throws: The store's "id owned by another tenant" error when `profile.id` is another tenant's profile.
    func saveAssetProfile(_ profile: AssetProfile) async throws -> ProfileWrite
    /// The asset profile `id` of `tenantId`.
    func assetProfile(id: UUID, tenantId: UUID) async throws -> AssetProfile?
    /// The asset profile called exactly `name` in `tenantId`.
    func assetProfile(name: String, tenantId: UUID) async throws -> AssetProfile?
    /// The tenant's default asset profile, if it has one.
    func defaultAssetProfile(tenantId: UUID) async throws -> AssetProfile?
    /// A page of the tenant's asset profiles with their exact total; ``PageLink/SortProperty/type`` sorts by name.
    func assetProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<AssetProfile>
    /// Deletes the tenant's asset profile `id`, as ``deleteDeviceProfile(id:tenantId:)``.
    /// - Returns: `.deleted`, `.inUse` when assets still use it, or `.notFound`.
    func deleteAssetProfile(id: UUID, tenantId: UUID) async throws -> ProfileDeletion
}

/// The result of saving a profile.
package enum ProfileWrite: Sendable, Equatable {
    case saved
    case nameTaken
    case provisionKeyTaken
}

/// The result of deleting a profile.
package enum ProfileDeletion: Sendable, Equatable {
    case deleted
    case notFound
    case inUse
}
