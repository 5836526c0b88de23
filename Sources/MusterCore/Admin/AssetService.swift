import Foundation

/// Creates, changes, reads and deletes the assets of one tenant.
package struct AssetService: Sendable {
    private let store: any DeviceStore
    private let profiles: ProfileService
    private let clock: any WallClock

    package init(store: any DeviceStore, profiles: ProfileService, clock: any WallClock) {
        self.store = store
        self.profiles = profiles
        self.clock = clock
    }

    /// Creates (when `draft.id` is `nil`) or updates an asset.
    package func save(_ draft: EntityDraft, tenantId: UUID) async throws -> Asset {
        var draft = draft
        draft.name = try EntityName.normalizedOrThrow(draft.name, kind: .asset)
        let profile: AssetProfile
        if let profileId = draft.profileId {
            profile = try await profiles.assetProfile(id: profileId, tenantId: tenantId)
        } else if let type = draft.type, !type.isEmpty {
            profile = try await profiles.findOrCreateAssetProfile(name: type, tenantId: tenantId)
        } else {
            profile = try await profiles.defaultAssetProfile(tenantId: tenantId)
        }
        let result: EntityWrite
        var asset: Asset
        if let id = draft.id {
            guard let existing = try await store.asset(id: id, tenantId: tenantId) else { throw AdminError.notFound(.asset, id) }
            if let version = draft.version, version != existing.version { throw AdminError.versionMismatch(.asset) }
            asset = existing
            asset.name = draft.name
            asset.type = profile.name
            asset.assetProfileId = profile.id
            asset.label = draft.label
            asset.additionalInfo = draft.additionalInfo
            result = try await store.updateAsset(asset)
            if result == .saved { asset.version += 1 }
            if result == .notFound, try await store.asset(id: id, tenantId: tenantId) != nil {
                // Changed by another request since it was read (the store checks the version it read).
                throw AdminError.versionMismatch(.asset)
            }
        } else {
            let now = clock.nowMilliseconds()
            asset = Asset(
                id: EntityIdentifier.make(at: now), tenantId: tenantId, name: draft.name, type: profile.name,
                assetProfileId: profile.id, label: draft.label, additionalInfo: draft.additionalInfo, createdTime: now
            )
            result = try await store.insertAsset(asset)
        }
        switch result {
        case .saved: return asset
        case .notFound: throw AdminError.notFound(.asset, draft.id)
        case .nameTaken, .credentialsTaken: throw AdminError.nameTaken(.asset)
        }
    }

    package func asset(id: UUID, tenantId: UUID) async throws -> Asset {
        guard let asset = try await store.asset(id: id, tenantId: tenantId) else { throw AdminError.notFound(.asset, id) }
        return asset
    }

    package func asset(name: String, tenantId: UUID) async throws -> Asset {
        guard let asset = try await store.asset(name: name, tenantId: tenantId) else { throw AdminError.notFound(.asset, nil) }
        return asset
    }

    package func assets(tenantId: UUID, profileId: UUID?, _ page: PageLink) async throws -> Page<Asset> {
        try await store.assets(tenantId: tenantId, profileId: profileId, page)
    }

    package func delete(id: UUID, tenantId: UUID) async throws {
        guard try await store.deleteAsset(id: id, tenantId: tenantId) else { throw AdminError.notFound(.asset, id) }
    }
}
