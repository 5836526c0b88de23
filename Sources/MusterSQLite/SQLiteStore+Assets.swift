import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// Inserts `asset`.
    /// - Returns: `.saved`, `.nameTaken`, or `.notFound` when its profile is not one of its tenant's.
    package func insertAsset(_ asset: Asset) async throws -> EntityWrite {
        try await write(onViolation: Self.entityWrite) { db in
            try db.execute(sql: AssetRecord.insertSQL, arguments: AssetRecord.insertArguments(asset))
            return .saved
        }
    }

    /// Updates the name, label, profile (and type) and additional info of `asset` in its tenant.
    /// - Returns: `.notFound` when the tenant has no such asset or profile, `.nameTaken` when the name is taken.
    package func updateAsset(_ asset: Asset) async throws -> EntityWrite {
        try await write(onViolation: Self.entityWrite) { db in
            try db.execute(sql: AssetRecord.updateSQL, arguments: AssetRecord.updateArguments(asset))
            return db.changesCount > 0 ? .saved : .notFound
        }
    }

    /// The asset `id` of `tenantId`.
    package func asset(id: UUID, tenantId: UUID) async throws -> Asset? {
        try await fetchAsset(where: "id = ? AND tenant_id = ?", [id, tenantId])
    }

    /// The asset called `name` in `tenantId`.
    package func asset(name: String, tenantId: UUID) async throws -> Asset? {
        try await fetchAsset(where: "tenant_id = ? AND name = ?", [tenantId, name])
    }

    /// A page of the assets of `tenantId`, of one profile when `profileId` is set.
    package func assets(tenantId: UUID, profileId: UUID?, _ link: PageLink) async throws -> Page<Asset> {
        let query = PageQuery(link)
        var filter = "tenant_id = ?"
        var arguments: StatementArguments = [tenantId]
        if let profileId {
            filter += " AND asset_profile_id = ?"
            arguments += [profileId]
        }
        filter += query.searchCondition("search_text")
        query.appendSearchArguments(to: &arguments)
        let countArguments = arguments
        query.appendLimitArguments(to: &arguments)
        let pageArguments = arguments
        let order = query.ordering(alias: "a.", type: "type", label: "label")
        let countSQL = SQLiteMigrations.countSQL(
            table: "assets", kind: 2, filter: filter, profileFiltered: profileId != nil, searched: query.search != nil,
            cap: configuration.maxSearchCount
        )
        let pageSQL = """
            SELECT \(AssetRecord.columns("a."))
            FROM (SELECT id FROM assets AS a WHERE \(filter) ORDER BY \(order)\(query.limitClause)) AS p
            JOIN assets AS a ON a.id = p.id
            ORDER BY \(order)
            """
        return try await dbPool.read { db in
            let total = try Int.fetchOne(db.cachedStatement(sql: countSQL), arguments: countArguments) ?? 0
            let assets = try Row.fetchAll(db.cachedStatement(sql: pageSQL), arguments: pageArguments)
                .map(AssetRecord.decode)
            return query.page(assets, total: total)
        }
    }

    /// Deletes the asset `id` of `tenantId` with its attributes and time series, in one transaction.
    /// - Returns: `false` when `tenantId` has no such asset.
    package func deleteAsset(id: UUID, tenantId: UUID) async throws -> Bool {
        return try await waitedWrite { db in
            try db.execute(sql: "DELETE FROM assets WHERE id = ? AND tenant_id = ?", arguments: [id, tenantId])
            guard db.changesCount > 0 else { return false }
            try Self.deleteKeyValues(of: id, db)
            return true
        }
    }

    private func fetchAsset(where condition: String, _ arguments: StatementArguments) async throws -> Asset? {
        let sql = "SELECT \(AssetRecord.columns()) FROM assets WHERE \(condition)"
        return try await dbPool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(AssetRecord.decode)
        }
    }
}
