import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// Inserts or replaces a device profile by id. A default profile becomes the tenant's only default, and a
    /// rename is carried to the `type` of the profile's devices, in the same transaction.
    /// - Returns: `.saved`, `.nameTaken` or `.provisionKeyTaken`; nothing is written unless `.saved`.
    /// - Throws: ``SQLiteStoreError/idOwnedByAnotherTenant(table:)`` when the id is another tenant's profile.
    package func saveDeviceProfile(_ profile: DeviceProfile) async throws -> ProfileWrite {
        try await write(onViolation: { constraint in
            switch constraint {
            case .deviceProfileName: return .nameTaken
            case .provisionKey: return .provisionKeyTaken
            default: return nil
            }
        }) { db in
            if profile.isDefault {
                try db.execute(
                    sql: "UPDATE device_profiles SET is_default = 0 WHERE tenant_id = ? AND is_default = 1 AND id <> ?",
                    arguments: [profile.tenantId, profile.id]
                )
            }
            try db.execute(
                sql: DeviceProfileRecord.upsertSQL, arguments: DeviceProfileRecord.upsertArguments(profile))
            guard db.changesCount > 0 else {
                throw SQLiteStoreError.idOwnedByAnotherTenant(table: "device_profiles")
            }
            try db.execute(
                sql: "UPDATE devices SET type = ? WHERE tenant_id = ? AND device_profile_id = ? AND type <> ?",
                arguments: [profile.name, profile.tenantId, profile.id, profile.name]
            )
            return .saved
        }
    }

    /// The device profile `id` of `tenantId`.
    package func deviceProfile(id: UUID, tenantId: UUID) async throws -> DeviceProfile? {
        try await fetchDeviceProfile(where: "id = ? AND tenant_id = ?", [id, tenantId])
    }

    /// The device profile called `name` in `tenantId`.
    package func deviceProfile(name: String, tenantId: UUID) async throws -> DeviceProfile? {
        try await fetchDeviceProfile(where: "tenant_id = ? AND name = ?", [tenantId, name])
    }

    /// The default device profile of `tenantId`.
    package func defaultDeviceProfile(tenantId: UUID) async throws -> DeviceProfile? {
        try await fetchDeviceProfile(where: "tenant_id = ? AND is_default = 1", [tenantId])
    }

    /// A page of the device profiles of `tenantId`; ``PageLink/SortProperty/type`` sorts by transport type.
    package func deviceProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<DeviceProfile> {
        try await profilePage(
            table: "device_profiles", columns: DeviceProfileRecord.columns, type: "transport_type", tenantId: tenantId,
            page, decode: DeviceProfileRecord.decode
        )
    }

    /// Makes `id` the only default device profile of `tenantId`.
    /// - Returns: `false` (changing nothing) when `tenantId` has no profile `id`.
    package func setDefaultDeviceProfile(id: UUID, tenantId: UUID) async throws -> Bool {
        return try await waitedWrite { db in
            try db.execute(
                sql: """
                    UPDATE device_profiles SET is_default = 0
                    WHERE tenant_id = ? AND is_default = 1 AND id <> ?
                        AND EXISTS (SELECT 1 FROM device_profiles WHERE tenant_id = ? AND id = ?)
                    """,
                arguments: [tenantId, id, tenantId, id]
            )
            try db.execute(
                sql: "UPDATE device_profiles SET is_default = 1 WHERE tenant_id = ? AND id = ?",
                arguments: [tenantId, id]
            )
            return db.changesCount > 0
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
    /// - Throws: ``SQLiteStoreError/idOwnedByAnotherTenant(table:)`` when the id is another tenant's profile.
    package func saveAssetProfile(_ profile: AssetProfile) async throws -> ProfileWrite {
        try await write(onViolation: { $0 == .assetProfileName ? .nameTaken : nil }) { db in
            if profile.isDefault {
                try db.execute(
                    sql: "UPDATE asset_profiles SET is_default = 0 WHERE tenant_id = ? AND is_default = 1 AND id <> ?",
                    arguments: [profile.tenantId, profile.id]
                )
            }
            try db.execute(
                sql: AssetProfileRecord.upsertSQL, arguments: AssetProfileRecord.upsertArguments(profile))
            guard db.changesCount > 0 else {
                throw SQLiteStoreError.idOwnedByAnotherTenant(table: "asset_profiles")
            }
            try db.execute(
                sql: "UPDATE assets SET type = ? WHERE tenant_id = ? AND asset_profile_id = ? AND type <> ?",
                arguments: [profile.name, profile.tenantId, profile.id, profile.name]
            )
            return .saved
        }
    }

    /// The asset profile `id` of `tenantId`.
    package func assetProfile(id: UUID, tenantId: UUID) async throws -> AssetProfile? {
        try await fetchAssetProfile(where: "id = ? AND tenant_id = ?", [id, tenantId])
    }

    /// The asset profile called `name` in `tenantId`.
    package func assetProfile(name: String, tenantId: UUID) async throws -> AssetProfile? {
        try await fetchAssetProfile(where: "tenant_id = ? AND name = ?", [tenantId, name])
    }

    /// The default asset profile of `tenantId`.
    package func defaultAssetProfile(tenantId: UUID) async throws -> AssetProfile? {
        try await fetchAssetProfile(where: "tenant_id = ? AND is_default = 1", [tenantId])
    }

    /// A page of the asset profiles of `tenantId`.
    package func assetProfiles(tenantId: UUID, _ page: PageLink) async throws -> Page<AssetProfile> {
        try await profilePage(
            table: "asset_profiles", columns: AssetProfileRecord.columns, type: nil, tenantId: tenantId, page,
            decode: AssetProfileRecord.decode
        )
    }

    /// Deletes the asset profile `id` of `tenantId`.
    /// - Returns: `.inUse` when assets reference it, `.notFound` when `tenantId` has no such profile.
    package func deleteAssetProfile(id: UUID, tenantId: UUID) async throws -> ProfileDeletion {
        try await deleteProfile(table: "asset_profiles", id: id, tenantId: tenantId)
    }

    // MARK: - Shared

    func fetchDeviceProfile(where condition: String, _ arguments: StatementArguments) async throws
        -> DeviceProfile?
    {
        let sql = "SELECT \(DeviceProfileRecord.columns) FROM device_profiles WHERE \(condition)"
        return try pointRead { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(DeviceProfileRecord.decode)
        }
    }

    /// Every device profile matching `condition` (for short lists: read in one go).
    func fetchDeviceProfiles(where condition: String, _ arguments: StatementArguments) async throws -> [DeviceProfile] {
        let sql = "SELECT \(DeviceProfileRecord.columns) FROM device_profiles WHERE \(condition)"
        return try pointRead { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(DeviceProfileRecord.decode)
        }
    }

    private func fetchAssetProfile(where condition: String, _ arguments: StatementArguments) async throws
        -> AssetProfile?
    {
        let sql = "SELECT \(AssetProfileRecord.columns) FROM asset_profiles WHERE \(condition)"
        return try pointRead { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(AssetProfileRecord.decode)
        }
    }

    private func profilePage<Profile: Sendable>(
        table: String, columns: String, type: String?, tenantId: UUID, _ link: PageLink,
        decode: @escaping @Sendable (Row) throws -> Profile
    ) async throws -> Page<Profile> {
        let query = PageQuery(link)
        let filter = "WHERE tenant_id = ?" + query.searchCondition("search_text")
        var arguments: StatementArguments = [tenantId]
        query.appendSearchArguments(to: &arguments)
        let countArguments = arguments
        query.appendLimitArguments(to: &arguments)
        let pageArguments = arguments
        let countSQL = "SELECT COUNT(*) FROM \(table) \(filter)"
        let pageSQL =
            "SELECT \(columns) FROM \(table) \(filter) ORDER BY \(query.ordering(type: type))\(query.limitClause)"
        return try await dbPool.read { db in
            let total = try Int.fetchOne(db, sql: countSQL, arguments: countArguments) ?? 0
            let profiles = try Row.fetchAll(db, sql: pageSQL, arguments: pageArguments).map(decode)
            return query.page(profiles, total: total)
        }
    }

    private func deleteProfile(table: String, id: UUID, tenantId: UUID) async throws -> ProfileDeletion {
        try await write(onViolation: { $0 == .foreignKey ? .inUse : nil }) { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE id = ? AND tenant_id = ?", arguments: [id, tenantId])
            return db.changesCount > 0 ? .deleted : .notFound
        }
    }

    package func devicesCreatedThroughKey(profileId: UUID) async throws -> Int {
        try pointRead { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT devices_created FROM provision_key_usage WHERE profile_id = ?"),
                arguments: [profileId]) ?? 0
        }
    }
}
