import Foundation

/// Creates, changes and deletes device and asset profiles of one tenant.
package struct ProfileService: Sendable {
    fileprivate let store: any ProfileStore
    private let clock: any WallClock
    private let provisionCache: ProvisionProfileCache?
    private let events: (any ClusterEventBus)?

    /// - Parameters:
    ///   - provisionCache: The provisioning service's profile cache, cleared on every profile change.
    ///   - events: Where every device profile change is published (``ClusterEvent/profilesChanged(tenantId:)``), so
    ///     that every node sharing the database clears its cache.
    package init(
        store: any ProfileStore, clock: any WallClock, provisionCache: ProvisionProfileCache? = nil,
        events: (any ClusterEventBus)? = nil
    ) {
        self.store = store
        self.clock = clock
        self.provisionCache = provisionCache
        self.events = events
    }

    /// After a committed device profile change: clears this node's cache at once, and every node's through the bus.
    private func profilesChanged(tenantId: UUID) async {
        provisionCache?.invalidateAll()
        await events?.publish(.profilesChanged(tenantId: tenantId))
    }

    /// Creates (`profile.id == nil`) or replaces a device profile.
    /// - Throws: ``AdminError`` for a bad name, a taken name or provision key, or a foreign id.
    package func saveDeviceProfile(_ draft: DeviceProfileDraft, tenantId: UUID) async throws -> DeviceProfile {
        try EntityName.validateOrThrow(draft.name, kind: .deviceProfile)
        guard DeviceProfile.transportTypes.contains(draft.transportType) else {
            throw AdminError.invalidField(field: "transportType", reason: "must be one of DEFAULT, MQTT, COAP, LWM2M, SNMP")
        }
        let now = clock.nowMilliseconds()
        var profile: DeviceProfile
        if let id = draft.id {
            guard let existing = try await store.deviceProfile(id: id, tenantId: tenantId) else {
                throw AdminError.notFound(.deviceProfile, id)
            }
            if let version = draft.version, version != existing.version { throw AdminError.versionMismatch(.deviceProfile) }
            profile = existing
            profile.version += 1
        } else {
            profile = DeviceProfile(id: EntityIdentifier.make(at: now), tenantId: tenantId, name: draft.name, createdTime: now)
        }
        profile.name = draft.name
        profile.description = draft.description
        profile.transportType = draft.transportType
        profile.provisionType = draft.provisionType ?? .disabled
        let key = draft.provisionDeviceKey.flatMap { $0.isEmpty ? nil : $0 }
        if let key, key.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw AdminError.invalidField(field: "provisionDeviceKey", reason: "must not contain control characters")
        }
        profile.provisionDeviceKey = key
        let earlier = draft.id == nil ? nil : profile.provisionConfiguration
        profile.provisionConfiguration = draft.provisionConfiguration ?? ProvisionConfiguration(type: profile.provisionType)
        Self.carryRotation(from: earlier, into: &profile.provisionConfiguration, now: now)
        if profile.provisionType == .x509CertificateChain, let certificate = profile.provisionConfiguration.provisionDeviceSecret,
            !certificate.isEmpty
        {
            let normalized = CertificateChainSecret.normalize(certificate)
            profile.provisionConfiguration.provisionDeviceSecret = normalized.secret
            profile.provisionDeviceKey = normalized.provisionKey
        }
        if profile.provisionType == .allowCreateNewDevices || profile.provisionType == .checkPreProvisionedDevices {
            guard profile.provisionDeviceKey != nil else {
                throw AdminError.invalidField(field: "provisionDeviceKey", reason: "is required for the \(profile.provisionType.rawValue) strategy")
            }
            guard let secret = profile.provisionConfiguration.provisionDeviceSecret, !secret.isEmpty else {
                throw AdminError.invalidField(
                    field: "profileData.provisionConfiguration.provisionDeviceSecret",
                    reason: "is required for the \(profile.provisionType.rawValue) strategy"
                )
            }
        }
        profile.profileData = draft.profileData ?? DeviceProfile.defaultProfileData
        // An error after the write (a lost connection) may hide a commit: this node's cache forgets at once anyway.
        defer { provisionCache?.invalidateAll() }
        switch try await store.saveDeviceProfile(profile) {
        case .saved: break
        case .nameTaken: throw AdminError.nameTaken(.deviceProfile)
        case .provisionKeyTaken:
            throw profile.provisionType == .x509CertificateChain ? AdminError.certificateTaken : AdminError.provisionKeyTaken
        }
        await profilesChanged(tenantId: tenantId)
        if draft.isDefault == true, !profile.isDefault {
            _ = try await store.setDefaultDeviceProfile(id: profile.id, tenantId: tenantId)
            profile.isDefault = true
        }
        return profile
    }

    /// A secret rotation's overlap: saved with a new secret and a `previousSecretValidUntil` in the future, the
    /// secret it replaces stays accepted until then; saved with the same secret, the overlap goes on (its end moved
    /// when the draft names one: a past time ends it); a new secret without a future end has no overlap. The
    /// previous secret is always the server's, never the client's.
    static func carryRotation(from earlier: ProvisionConfiguration?, into next: inout ProvisionConfiguration, now: Int64) {
        let requestedEnd = next.previousSecretValidUntil
        next.previousProvisionDeviceSecret = nil
        next.previousSecretValidUntil = nil
        guard let earlier, let earlierSecret = earlier.provisionDeviceSecret else { return }
        if earlierSecret != next.provisionDeviceSecret {
            guard let requestedEnd, requestedEnd > now else { return }
            next.previousProvisionDeviceSecret = earlierSecret
            next.previousSecretValidUntil = requestedEnd
        } else if let previous = earlier.previousProvisionDeviceSecret {
            let end = requestedEnd ?? earlier.previousSecretValidUntil ?? 0
            guard end > now else { return }
            next.previousProvisionDeviceSecret = previous
            next.previousSecretValidUntil = end
        }
    }

    /// The devices created through `profile`'s key under its budget, or `nil` when it has no budget.
    package func devicesCreatedThroughKey(_ profile: DeviceProfile) async throws -> Int? {
        guard profile.provisionConfiguration.maxDevices != nil else { return nil }
        return try await store.devicesCreatedThroughKey(profileId: profile.id)
    }

    /// The profile `id` of `tenantId`.
    package func deviceProfile(id: UUID, tenantId: UUID) async throws -> DeviceProfile {
        guard let profile = try await store.deviceProfile(id: id, tenantId: tenantId) else {
            throw AdminError.notFound(.deviceProfile, id)
        }
        return profile
    }

    package func defaultDeviceProfile(tenantId: UUID) async throws -> DeviceProfile {
        guard let profile = try await store.defaultDeviceProfile(tenantId: tenantId) else {
            throw AdminError.notFound(.deviceProfile, nil)
        }
        return profile
    }

    package func deviceProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<DeviceProfile> {
        try await store.deviceProfiles(tenantId: tenantId, page)
    }

    package func setDefaultDeviceProfile(id: UUID, tenantId: UUID) async throws -> DeviceProfile {
        guard try await store.setDefaultDeviceProfile(id: id, tenantId: tenantId) else {
            throw AdminError.notFound(.deviceProfile, id)
        }
        await profilesChanged(tenantId: tenantId)
        return try await deviceProfile(id: id, tenantId: tenantId)
    }

    /// Deletes a profile no device uses; the default profile cannot be deleted.
    package func deleteDeviceProfile(id: UUID, tenantId: UUID) async throws {
        let profile = try await deviceProfile(id: id, tenantId: tenantId)
        guard !profile.isDefault else { throw AdminError.defaultProfileDeletion(.deviceProfile) }
        defer { provisionCache?.invalidateAll() }
        switch try await store.deleteDeviceProfile(id: id, tenantId: tenantId) {
        case .deleted: await profilesChanged(tenantId: tenantId)
        case .notFound: throw AdminError.notFound(.deviceProfile, id)
        case .inUse: throw AdminError.profileInUse(.deviceProfile)
        }
    }

    /// The device profile named `name`, created with provisioning disabled when the tenant has none
    /// (ThingsBoard's `findOrCreateDeviceProfile`).
    package func findOrCreateDeviceProfile(name: String, tenantId: UUID) async throws -> DeviceProfile {
        if let profile = try await store.deviceProfile(name: name, tenantId: tenantId) { return profile }
        try EntityName.validateOrThrow(name, kind: .deviceProfile)
        let now = clock.nowMilliseconds()
        let profile = DeviceProfile(id: EntityIdentifier.make(at: now), tenantId: tenantId, name: name, createdTime: now)
        switch try await store.saveDeviceProfile(profile) {
        case .saved:
            await profilesChanged(tenantId: tenantId)
            return profile
        case .nameTaken, .provisionKeyTaken:
            guard let raced = try await store.deviceProfile(name: name, tenantId: tenantId) else {
                throw AdminError.nameTaken(.deviceProfile)
            }
            return raced
        }
    }

    // MARK: - Asset profiles

    /// Creates (`id == nil`) or replaces an asset profile; `version`, when given, must be the stored one (else 409).
    package func saveAssetProfile(
        id: UUID?, name: String, description: String?, version: Int64? = nil, tenantId: UUID
    ) async throws -> AssetProfile {
        try EntityName.validateOrThrow(name, kind: .assetProfile)
        let now = clock.nowMilliseconds()
        var profile: AssetProfile
        if let id {
            guard let existing = try await store.assetProfile(id: id, tenantId: tenantId) else {
                throw AdminError.notFound(.assetProfile, id)
            }
            if let version, version != existing.version { throw AdminError.versionMismatch(.assetProfile) }
            profile = existing
            profile.version += 1
        } else {
            profile = AssetProfile(id: EntityIdentifier.make(at: now), tenantId: tenantId, name: name, createdTime: now)
        }
        profile.name = name
        profile.description = description
        guard try await store.saveAssetProfile(profile) == .saved else { throw AdminError.nameTaken(.assetProfile) }
        return profile
    }

    package func assetProfile(id: UUID, tenantId: UUID) async throws -> AssetProfile {
        guard let profile = try await store.assetProfile(id: id, tenantId: tenantId) else {
            throw AdminError.notFound(.assetProfile, id)
        }
        return profile
    }

    package func defaultAssetProfile(tenantId: UUID) async throws -> AssetProfile {
        guard let profile = try await store.defaultAssetProfile(tenantId: tenantId) else {
            throw AdminError.notFound(.assetProfile, nil)
        }
        return profile
    }

    package func assetProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<AssetProfile> {
        try await store.assetProfiles(tenantId: tenantId, page)
    }

    package func deleteAssetProfile(id: UUID, tenantId: UUID) async throws {
        let profile = try await assetProfile(id: id, tenantId: tenantId)
        guard !profile.isDefault else { throw AdminError.defaultProfileDeletion(.assetProfile) }
        switch try await store.deleteAssetProfile(id: id, tenantId: tenantId) {
        case .deleted: return
        case .notFound: throw AdminError.notFound(.assetProfile, id)
        case .inUse: throw AdminError.profileInUse(.assetProfile)
        }
    }

    /// The asset profile named `name`, created when the tenant has none.
    package func findOrCreateAssetProfile(name: String, tenantId: UUID) async throws -> AssetProfile {
        if let profile = try await store.assetProfile(name: name, tenantId: tenantId) { return profile }
        do {
            return try await saveAssetProfile(id: nil, name: name, description: nil, tenantId: tenantId)
        } catch AdminError.nameTaken {
            guard let raced = try await store.assetProfile(name: name, tenantId: tenantId) else {
                throw AdminError.nameTaken(.assetProfile)
            }
            return raced
        }
    }
}

/// A device profile as an admin sends it.
package struct DeviceProfileDraft: Sendable, Hashable {
    package var id: UUID?
    package var name: String
    package var description: String?
    package var transportType: String
    package var provisionType: ProvisionType?
    package var provisionDeviceKey: String?
    package var provisionConfiguration: ProvisionConfiguration?
    /// `profileData` without its provision configuration.
    package var profileData: JSONValue?
    package var isDefault: Bool?
    /// The `version` the client read; an update whose version is not the stored one is refused. `nil` skips it.
    package var version: Int64?

    package init(
        id: UUID? = nil, name: String, description: String? = nil, transportType: String = "DEFAULT",
        provisionType: ProvisionType? = nil, provisionDeviceKey: String? = nil,
        provisionConfiguration: ProvisionConfiguration? = nil, profileData: JSONValue? = nil, isDefault: Bool? = nil,
        version: Int64? = nil
    ) {
        self.version = version
        self.id = id
        self.name = name
        self.description = description
        self.transportType = transportType
        self.provisionType = provisionType
        self.provisionDeviceKey = provisionDeviceKey
        self.provisionConfiguration = provisionConfiguration
        self.profileData = profileData
        self.isDefault = isDefault
    }
}

extension EntityName {
    /// ``validate(_:)`` reported as an ``AdminError``.
    package static func validateOrThrow(_ name: String, kind: EntityKind) throws(AdminError) {
        do { try validate(name) } catch { throw .invalidName(kind, error) }
    }

    /// ``normalized(_:)`` reported as an ``AdminError``.
    package static func normalizedOrThrow(_ name: String, kind: EntityKind) throws(AdminError) -> String {
        do { return try normalized(name) } catch { throw .invalidName(kind, error) }
    }
}

extension ProfileService {
    /// The device profile called `name`, if the tenant has one.
    package func deviceProfile(name: String, tenantId: UUID) async throws -> DeviceProfile? {
        try await store.deviceProfile(name: name, tenantId: tenantId)
    }
}

extension ProfileService {
    /// The asset profile called `name`, if the tenant has one.
    package func assetProfile(name: String, tenantId: UUID) async throws -> AssetProfile? {
        try await store.assetProfile(name: name, tenantId: tenantId)
    }
}
