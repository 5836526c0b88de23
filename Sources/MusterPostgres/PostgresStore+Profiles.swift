import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: ProfileStore {
    /// Inserts or replaces a device profile by id. A default profile becomes the tenant's only default, and a
    /// rename is carried to the `type` of the profile's devices, in the same transaction.
    /// - Returns: `.saved`, `.nameTaken` or `.provisionKeyTaken`; nothing is written unless `.saved`.
    /// - Throws: ``PostgresStoreError/idOwnedByAnotherTenant(table:)`` when the id is another tenant's profile.
    package func saveDeviceProfile(_ profile: DeviceProfile) async throws -> ProfileWrite {
        try await transaction(onViolation: { constraint -> ProfileWrite? in
            switch constraint {
            case .deviceProfileName: .nameTaken
            case .provisionKey: .provisionKeyTaken
            default: nil
            }
        }) { [self] connection in
            if profile.isDefault {
                try await lockDefault(of: profile.tenantId, kind: .device, on: connection)
                try await connection.query(
                    """
                    UPDATE device_profiles SET is_default = false
                    WHERE tenant_id = \(profile.tenantId) AND is_default AND id <> \(profile.id)
                    """, logger: logger)
            }
            let saved = try await rowCount(
                """
                INSERT INTO device_profiles (\(unescaped: ProfileRows.deviceColumns), search_text)
                VALUES (\(profile.id), \(profile.tenantId), \(profile.name), \(profile.description),
                    \(profile.isDefault), \(profile.transportType), \(profile.provisionType.rawValue),
                    \(profile.provisionDeviceKey), \(ProfileRows.configurationText(profile.provisionConfiguration)),
                    \(profile.profileData.serialized), \(profile.createdTime), \(profile.version),
                    \(SearchText.fold(profile.name)))
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, search_text = excluded.search_text, description = excluded.description,
                    is_default = excluded.is_default, transport_type = excluded.transport_type,
                    provision_type = excluded.provision_type, provision_device_key = excluded.provision_device_key,
                    provision_configuration = excluded.provision_configuration,
                    profile_data = excluded.profile_data, version = device_profiles.version + 1
                WHERE device_profiles.tenant_id = excluded.tenant_id
                RETURNING 1
                """, on: connection)
            guard saved > 0 else { throw PostgresStoreError.idOwnedByAnotherTenant(table: "device_profiles") }
            try await connection.query(
                """
                UPDATE devices SET type = \(profile.name)
                WHERE tenant_id = \(profile.tenantId) AND device_profile_id = \(profile.id) AND type <> \(profile.name)
                """, logger: logger)
            return .saved
        }
    }

    /// The device profile `id` of `tenantId`.
    package func deviceProfile(id: UUID, tenantId: UUID) async throws -> DeviceProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.deviceColumns) FROM device_profiles
            WHERE tenant_id = \(tenantId) AND id = \(id)
            """, ProfileRows.decodeDevice
        ).first
    }

    /// The device profile called `name` in `tenantId`.
    package func deviceProfile(name: String, tenantId: UUID) async throws -> DeviceProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.deviceColumns) FROM device_profiles
            WHERE tenant_id = \(tenantId) AND name = \(name)
            """, ProfileRows.decodeDevice
        ).first
    }

    /// The default device profile of `tenantId`.
    package func defaultDeviceProfile(tenantId: UUID) async throws -> DeviceProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.deviceColumns) FROM device_profiles
            WHERE tenant_id = \(tenantId) AND is_default
            """, ProfileRows.decodeDevice
        ).first
    }

    /// A page of the device profiles of `tenantId`; ``PageLink/SortProperty/type`` sorts by transport type.
    package func deviceProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<DeviceProfile> {
        try await profilePage(
            table: "device_profiles", columns: ProfileRows.deviceColumns, type: "transport_type", tenantId: tenantId,
            page, decode: ProfileRows.decodeDevice)
    }

    /// Makes `id` the only default device profile of `tenantId`.
    /// - Returns: `false` (changing nothing) when `tenantId` has no profile `id`.
    package func setDefaultDeviceProfile(id: UUID, tenantId: UUID) async throws -> Bool {
        try await transaction { [self] connection in
            try await lockDefault(of: tenantId, kind: .device, on: connection)
            try await connection.query(
                """
                UPDATE device_profiles SET is_default = false
                WHERE tenant_id = \(tenantId) AND is_default AND id <> \(id)
                    AND EXISTS (SELECT 1 FROM device_profiles WHERE tenant_id = \(tenantId) AND id = \(id))
                """, logger: logger)
            let changed = try await rowCount(
                """
                UPDATE device_profiles SET is_default = true WHERE tenant_id = \(tenantId) AND id = \(id) RETURNING 1
                """, on: connection)
            return changed > 0
        }
    }

    /// Deletes the device profile `id` of `tenantId`.
    /// - Returns: `.inUse` when devices reference it (the foreign key refuses), `.notFound` when `tenantId` has
    ///   no such profile.
    package func deleteDeviceProfile(id: UUID, tenantId: UUID) async throws -> ProfileDeletion {
        try await deleteProfile(table: "device_profiles", id: id, tenantId: tenantId)
    }

    /// Inserts or replaces an asset profile by id; a default profile becomes the tenant's only default, and a
    /// rename is carried to the `type` of the profile's assets.
    /// - Returns: `.saved` or `.nameTaken`; nothing is written unless `.saved`.
    /// - Throws: ``PostgresStoreError/idOwnedByAnotherTenant(table:)`` when the id is another tenant's profile.
    package func saveAssetProfile(_ profile: AssetProfile) async throws -> ProfileWrite {
        try await transaction(onViolation: { $0 == .assetProfileName ? ProfileWrite.nameTaken : nil }) { [self] connection in
            if profile.isDefault {
                try await lockDefault(of: profile.tenantId, kind: .asset, on: connection)
                try await connection.query(
                    """
                    UPDATE asset_profiles SET is_default = false
                    WHERE tenant_id = \(profile.tenantId) AND is_default AND id <> \(profile.id)
                    """, logger: logger)
            }
            let saved = try await rowCount(
                """
                INSERT INTO asset_profiles (\(unescaped: ProfileRows.assetColumns), search_text)
                VALUES (\(profile.id), \(profile.tenantId), \(profile.name), \(profile.description),
                    \(profile.isDefault), \(profile.createdTime), \(profile.version),
                    \(SearchText.fold(profile.name)))
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, search_text = excluded.search_text, description = excluded.description,
                    is_default = excluded.is_default, version = asset_profiles.version + 1
                WHERE asset_profiles.tenant_id = excluded.tenant_id
                RETURNING 1
                """, on: connection)
            guard saved > 0 else { throw PostgresStoreError.idOwnedByAnotherTenant(table: "asset_profiles") }
            try await connection.query(
                """
                UPDATE assets SET type = \(profile.name)
                WHERE tenant_id = \(profile.tenantId) AND asset_profile_id = \(profile.id) AND type <> \(profile.name)
                """, logger: logger)
            return .saved
        }
    }

    /// The asset profile `id` of `tenantId`.
    package func assetProfile(id: UUID, tenantId: UUID) async throws -> AssetProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.assetColumns) FROM asset_profiles
            WHERE tenant_id = \(tenantId) AND id = \(id)
            """, ProfileRows.decodeAsset
        ).first
    }

    /// The asset profile called `name` in `tenantId`.
    package func assetProfile(name: String, tenantId: UUID) async throws -> AssetProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.assetColumns) FROM asset_profiles
            WHERE tenant_id = \(tenantId) AND name = \(name)
            """, ProfileRows.decodeAsset
        ).first
    }

    /// The default asset profile of `tenantId`.
    package func defaultAssetProfile(tenantId: UUID) async throws -> AssetProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.assetColumns) FROM asset_profiles WHERE tenant_id = \(tenantId) AND is_default
            """, ProfileRows.decodeAsset
        ).first
    }

    /// A page of the asset profiles of `tenantId`.
    package func assetProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<AssetProfile> {
        try await profilePage(
            table: "asset_profiles", columns: ProfileRows.assetColumns, type: nil, tenantId: tenantId, page,
            decode: ProfileRows.decodeAsset)
    }

    /// Deletes the asset profile `id` of `tenantId`.
    /// - Returns: `.inUse` when assets reference it, `.notFound` when `tenantId` has no such profile.
    package func deleteAssetProfile(id: UUID, tenantId: UUID) async throws -> ProfileDeletion {
        try await deleteProfile(table: "asset_profiles", id: id, tenantId: tenantId)
    }

    // MARK: - Shared

    /// Which default a transaction is about to change.
    enum DefaultProfileKind: Int32 {
        case device = 1
        case asset = 2
    }

    /// Takes the transaction-scoped advisory lock on `tenantId`'s default profile of `kind`, so that transactions
    /// changing it (on any node) run one after the other: each clears the default that the previous one committed,
    /// and the last one wins, as with SQLite's single writer. Without it, two of them could both find no other
    /// default to clear and then collide on `device_profile_default_unq_key`, or deadlock.
    private func lockDefault(of tenantId: UUID, kind: DefaultProfileKind, on connection: PostgresConnection)
        async throws
    {
        // Its row read, so that an error (a deadlock, a timeout) is thrown here.
        _ = try await rowCount(
            "SELECT pg_advisory_xact_lock(\(kind.rawValue), hashtext(\(tenantId.uuidString)))", on: connection)
    }

    private func profilePage<Profile: Sendable>(
        table: String, columns: String, type: String?, tenantId: UUID, _ link: PageLink,
        decode: @escaping @Sendable (PostgresRow) throws -> Profile
    ) async throws -> Page<Profile> {
        let page = PostgresPageQuery(link)
        let filter = SQLBuilder()
        filter.append("FROM \(table) WHERE tenant_id = \(filter.bind(tenantId))")
        page.appendSearchCondition("search_text", to: filter)
        let count = filter.prefixed("SELECT count(*) ")
        let select = filter.prefixed("SELECT \(columns) ")
        select.append(" ORDER BY \(page.ordering(type: type))")
        page.appendLimit(to: select)
        let countQuery = count.query
        let selectQuery = select.query
        return try await snapshot { [self] connection in
            let total = try await scalar(Int.self, countQuery, on: connection) ?? 0
            return page.page(try await rows(selectQuery, on: connection, decode), total: total)
        }
    }

    private func deleteProfile(table: String, id: UUID, tenantId: UUID) async throws -> ProfileDeletion {
        do {
            let deleted = try await rowCount(
                "DELETE FROM \(unescaped: table) WHERE tenant_id = \(tenantId) AND id = \(id) RETURNING 1")
            return deleted == 0 ? .notFound : .deleted
        } catch {
            if PostgresConstraint(error) == .foreignKey { return .inUse }
            throw Self.unwrapped(error)
        }
    }

    package func devicesCreatedThroughKey(profileId: UUID) async throws -> Int {
        try await rows("SELECT devices_created FROM provision_key_usage WHERE profile_id = \(profileId)") { row in
            try row.decode(Int.self)
        }.first ?? 0
    }
}
