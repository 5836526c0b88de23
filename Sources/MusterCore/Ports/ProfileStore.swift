import Foundation

/// Device and asset profiles.
package protocol ProfileStore: Sendable {
    /// Inserts or replaces a device profile (by id).
    /// - Returns: `.saved`, or which uniqueness constraint refused it.
    func saveDeviceProfile(_ profile: DeviceProfile) async throws -> ProfileWrite
    func deviceProfile(id: UUID, tenantId: UUID) async throws -> DeviceProfile?
    func deviceProfile(name: String, tenantId: UUID) async throws -> DeviceProfile?
    func defaultDeviceProfile(tenantId: UUID) async throws -> DeviceProfile?
    func deviceProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<DeviceProfile>
    /// Makes `id` the tenant's only default profile.
    func setDefaultDeviceProfile(id: UUID, tenantId: UUID) async throws -> Bool
    func deleteDeviceProfile(id: UUID, tenantId: UUID) async throws -> ProfileDeletion

    func saveAssetProfile(_ profile: AssetProfile) async throws -> ProfileWrite
    func assetProfile(id: UUID, tenantId: UUID) async throws -> AssetProfile?
    func assetProfile(name: String, tenantId: UUID) async throws -> AssetProfile?
    func defaultAssetProfile(tenantId: UUID) async throws -> AssetProfile?
    func assetProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<AssetProfile>
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
