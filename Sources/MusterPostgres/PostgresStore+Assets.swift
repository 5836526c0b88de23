import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore {
    /// Inserts `asset`.
    /// - Returns: `.saved`, `.nameTaken`, or `.notFound` when its profile is not one of its tenant's.
    package func insertAsset(_ asset: Asset) async throws -> EntityWrite {
        try await execute(
            """
            INSERT INTO assets (\(unescaped: EntityRows.assetColumns()), search_text)
            VALUES (\(asset.id), \(asset.tenantId), \(asset.name), \(asset.type), \(asset.assetProfileId), \(asset.label),
                \(asset.additionalInfo?.serialized), \(asset.createdTime), \(asset.version),
                \(SearchText.fold(asset.name)))
            """, onViolation: Self.entityWrite, otherwise: .saved)
    }

    /// Updates the name, label, profile (and type) and additional info of `asset` in its tenant, while its stored
    /// version is `asset.version`.
    /// - Returns: `.notFound` when the tenant has no such asset (at that version) or profile, `.nameTaken` when
    ///   the name is taken.
    package func updateAsset(_ asset: Asset) async throws -> EntityWrite {
        do {
            let updated = try await rowCount(
                """
                UPDATE assets SET name = \(asset.name), search_text = \(SearchText.fold(asset.name)),
                    type = \(asset.type), asset_profile_id = \(asset.assetProfileId), label = \(asset.label),
                    additional_info = \(asset.additionalInfo?.serialized), version = version + 1
                WHERE tenant_id = \(asset.tenantId) AND id = \(asset.id) AND version = \(asset.version)
                RETURNING 1
                """)
            return updated == 0 ? .notFound : .saved
        } catch {
            if let constraint = PostgresConstraint(error), let result = Self.entityWrite(constraint) { return result }
            throw Self.unwrapped(error)
        }
    }

    /// The asset `id` of `tenantId`.
    package func asset(id: UUID, tenantId: UUID) async throws -> Asset? {
        try await rows(
            "SELECT \(unescaped: EntityRows.assetColumns()) FROM assets WHERE tenant_id = \(tenantId) AND id = \(id)",
            EntityRows.decodeAsset
        ).first
    }

    /// The asset called `name` in `tenantId`.
    package func asset(name: String, tenantId: UUID) async throws -> Asset? {
        try await rows(
            "SELECT \(unescaped: EntityRows.assetColumns()) FROM assets WHERE tenant_id = \(tenantId) AND name = \(name)",
            EntityRows.decodeAsset
        ).first
    }

    /// A page of the assets of `tenantId`, of one profile when `profileId` is set.
    package func assets(tenantId: UUID, profileId: UUID?, _ link: PageLink) async throws -> Page<Asset> {
        let page = PostgresPageQuery(link)
        let order = page.ordering(alias: "d.", type: "type", label: "label")
        let filter = entityFilter(tenantId: tenantId, profileColumn: "asset_profile_id", profileId: profileId, page)
        let count = entityCount(table: "assets", kind: 2, filter: filter, page: page, profileId: profileId)
        let statement = filter.prefixed("SELECT \(EntityRows.assetColumns("d.")) FROM assets AS d WHERE ")
        statement.append(" ORDER BY \(order)")
        page.appendLimit(to: statement)
        let countQuery = count.query
        let statementQuery = statement.query
        return try await snapshot { [self] connection in
            let total = try await scalar(Int.self, countQuery, on: connection) ?? 0
            return page.page(try await rows(statementQuery, on: connection, EntityRows.decodeAsset), total: total)
        }
    }

    /// Deletes the asset `id` of `tenantId` with its attributes and time series, in one transaction.
    /// - Returns: `false` when `tenantId` has no such asset.
    package func deleteAsset(id: UUID, tenantId: UUID) async throws -> Bool {
        try await transaction { [self] connection in
            let deleted = try await rowCount(
                "DELETE FROM assets WHERE tenant_id = \(tenantId) AND id = \(id) RETURNING 1", on: connection
            )
            guard deleted > 0 else { return false }
            try await deleteKeyValues(of: id, on: connection)
            return true
        }
    }
}
