import Foundation

/// A device or asset as an admin sends it.
package struct EntityDraft: Sendable, Hashable {
    package var id: UUID?
    package var name: String
    /// The profile's name (`type`); used when `profileId` is absent.
    package var type: String?
    package var profileId: UUID?
    package var label: String?
    package var additionalInfo: JSONValue?
    /// The `version` the client read; an update whose version is not the stored one is refused
    /// (``AdminError/versionMismatch(_:)``). `nil` skips the check.
    package var version: Int64?

    package init(
        id: UUID? = nil, name: String, type: String? = nil, profileId: UUID? = nil, label: String? = nil,
        additionalInfo: JSONValue? = nil, version: Int64? = nil
    ) {
        self.version = version
        self.id = id
        self.name = name
        self.type = type
        self.profileId = profileId
        self.label = label
        self.additionalInfo = additionalInfo
    }
}

/// Credentials as an admin sends them (`credentialsType`, `credentialsId`, `credentialsValue`).
package struct CredentialsDraft: Sendable, Hashable {
    package var type: CredentialsType?
    package var credentialsId: String?
    package var credentialsValue: String?

    package init(type: CredentialsType?, credentialsId: String?, credentialsValue: String?) {
        self.type = type
        self.credentialsId = credentialsId
        self.credentialsValue = credentialsValue
    }
}

/// Creates, changes, reads and deletes the devices of one tenant, and their credentials.
package struct DeviceService: Sendable {
    private let store: any DeviceStore
    fileprivate let profiles: ProfileService
    private let clock: any WallClock
    private let sessions: any DeviceSessionRevoker

    /// - Parameter sessions: Told to close every session of a device whose credentials change or which is deleted.
    package init(store: any DeviceStore, profiles: ProfileService, clock: any WallClock, sessions: any DeviceSessionRevoker) {
        self.store = store
        self.profiles = profiles
        self.clock = clock
        self.sessions = sessions
    }

    /// Creates a device (when `draft.id` is `nil`) or updates one.
    /// - Parameters:
    ///   - accessToken: For a new device: its token (random when absent).
    ///   - credentials: For a new device: full credentials (take precedence over `accessToken`).
    /// - Throws: ``AdminError`` for a bad or taken name, unknown profile, bad or taken credentials.
    package func save(
        _ draft: EntityDraft, accessToken: String? = nil, credentials: CredentialsDraft? = nil, tenantId: UUID
    ) async throws -> Device {
        var draft = draft
        draft.name = try EntityName.normalizedOrThrow(draft.name, kind: .device)
        let profile = try await resolveProfile(draft, tenantId: tenantId)
        let now = clock.nowMilliseconds()
        if let id = draft.id {
            guard var device = try await store.device(id: id, tenantId: tenantId) else { throw AdminError.notFound(.device, id) }
            if let version = draft.version, version != device.version { throw AdminError.versionMismatch(.device) }
            device.name = draft.name
            device.label = draft.label
            device.type = profile.name
            device.deviceProfileId = profile.id
            device.additionalInfo = draft.additionalInfo
            switch try await store.updateDevice(device) {
            case .saved:
                device.version += 1
                return device
            case .notFound:
                // Gone, or changed by another request since it was read (the store checks the version it read).
                guard try await store.device(id: id, tenantId: tenantId) != nil else { throw AdminError.notFound(.device, id) }
                throw AdminError.versionMismatch(.device)
            case .nameTaken: throw AdminError.nameTaken(.device)
            case .credentialsTaken: throw AdminError.credentials(.alreadyAssigned)
            }
        }
        let material: CredentialsMaterial
        do {
            if let credentials {
                material = try CredentialRules.normalize(
                    type: credentials.type, credentialsId: credentials.credentialsId, credentialsValue: credentials.credentialsValue
                )
            } else if let accessToken, !accessToken.isEmpty {
                material = try CredentialRules.accessToken(accessToken)
            } else {
                material = CredentialRules.randomAccessToken()
            }
        } catch { throw AdminError.credentials(error) }
        let device = Device(
            id: EntityIdentifier.make(at: now), tenantId: tenantId, name: draft.name, type: profile.name,
            deviceProfileId: profile.id, label: draft.label, additionalInfo: draft.additionalInfo, createdTime: now
        )
        let stored = DeviceCredentials(
            id: EntityIdentifier.make(at: now), deviceId: device.id, createdTime: now, type: material.type,
            credentialsId: material.credentialsId, credentialsValue: material.credentialsValue
        )
        switch try await store.insertDevice(device, credentials: stored) {
        case .saved: return device
        case .notFound: throw AdminError.notFound(.deviceProfile, profile.id)
        case .nameTaken: throw AdminError.nameTaken(.device)
        case .credentialsTaken: throw AdminError.credentials(.alreadyAssigned)
        }
    }

    private func resolveProfile(_ draft: EntityDraft, tenantId: UUID) async throws -> DeviceProfile {
        if let profileId = draft.profileId { return try await profiles.deviceProfile(id: profileId, tenantId: tenantId) }
        if let type = draft.type, !type.isEmpty {
            return try await profiles.findOrCreateDeviceProfile(name: type, tenantId: tenantId)
        }
        return try await profiles.defaultDeviceProfile(tenantId: tenantId)
    }

    package func device(id: UUID, tenantId: UUID) async throws -> Device {
        guard let device = try await store.device(id: id, tenantId: tenantId) else { throw AdminError.notFound(.device, id) }
        return device
    }

    package func device(name: String, tenantId: UUID) async throws -> Device {
        guard let device = try await store.device(name: name, tenantId: tenantId) else { throw AdminError.notFound(.device, nil) }
        return device
    }

    package func devices(tenantId: UUID, profileId: UUID?, _ page: PageLink) async throws -> Page<DeviceListing> {
        try await store.devices(tenantId: tenantId, profileId: profileId, page)
    }

    /// Deletes a device and closes its open sessions.
    package func delete(id: UUID, tenantId: UUID) async throws {
        let device = try await device(id: id, tenantId: tenantId)
        guard try await store.deleteDevice(id: id, tenantId: tenantId) else { throw AdminError.notFound(.device, id) }
        await sessions.revoke(DeviceSessionRevocation(deviceId: id, tenantId: tenantId, deviceName: device.name, reason: .deviceDeleted))
    }

    /// The credentials of device `deviceId`.
    package func credentials(deviceId: UUID, tenantId: UUID) async throws -> DeviceCredentials {
        _ = try await device(id: deviceId, tenantId: tenantId)
        guard let credentials = try await store.credentials(deviceId: deviceId) else {
            throw AdminError.notFound(.deviceCredentials, deviceId)
        }
        return credentials
    }

    /// Replaces the credentials of device `deviceId` after ThingsBoard's validation, then closes the sessions opened
    /// with the old ones (even when the new credentials equal the old: ThingsBoard does the same).
    package func updateCredentials(deviceId: UUID, _ draft: CredentialsDraft, tenantId: UUID) async throws -> DeviceCredentials {
        let device = try await device(id: deviceId, tenantId: tenantId)
        let material: CredentialsMaterial
        do {
            material = try CredentialRules.normalize(
                type: draft.type, credentialsId: draft.credentialsId, credentialsValue: draft.credentialsValue
            )
        } catch { throw AdminError.credentials(error) }
        switch try await store.replaceCredentials(deviceId: deviceId, with: material) {
        case .saved(let credentials):
            await sessions.revoke(DeviceSessionRevocation(
                deviceId: deviceId, tenantId: tenantId, deviceName: device.name, reason: .credentialsChanged
            ))
            return credentials
        case .notFound: throw AdminError.notFound(.device, deviceId)
        case .credentialsTaken: throw AdminError.credentials(.alreadyAssigned)
        }
    }
}

extension DeviceService {
    /// The device profile called `name`, for filtering lists by `type`.
    package func profileNamed(_ name: String, tenantId: UUID) async throws -> DeviceProfile? {
        try await profiles.deviceProfile(name: name, tenantId: tenantId)
    }

    /// Whether each listed device is active now: it sent something within its profile's inactivity timeout.
    package func activity(of listings: [DeviceListing], tenantId: UUID) async throws -> [Bool] {
        let now = clock.nowMilliseconds()
        var timeouts: [UUID: Int64] = [:]
        for id in Set(listings.map(\.device.deviceProfileId)) {
            timeouts[id] = try await profiles.deviceProfile(id: id, tenantId: tenantId).inactivityTimeoutSeconds * 1000
        }
        return listings.map { listing in
            guard let last = listing.lastActivityTime, let timeout = timeouts[listing.device.deviceProfileId] else { return false }
            return now - last < timeout
        }
    }
}
