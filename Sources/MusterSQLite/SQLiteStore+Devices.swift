import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// Inserts `device` with `credentials` (stored for `device.id`) in one transaction.
    /// - Returns: `.saved`; `.nameTaken` or `.credentialsTaken` when a constraint refused it; `.notFound` when
    ///   the device's profile is not one of its tenant's. Nothing is written unless `.saved`.
    package func insertDevice(_ device: Device, credentials: DeviceCredentials) async throws -> EntityWrite {
        try await write(onViolation: Self.entityWrite) { db in
            try db.cachedStatement(sql: DeviceRecord.insertSQL).execute(
                arguments: DeviceRecord.insertArguments(device))
            try db.cachedStatement(sql: DeviceCredentialsRecord.insertSQL)
                .execute(arguments: DeviceCredentialsRecord.insertArguments(credentials, deviceId: device.id))
            return .saved
        }
    }

    /// Updates the name, label, profile (and type) and additional info of `device` in its tenant.
    /// - Returns: `.notFound` when the tenant has no such device or no such profile, `.nameTaken` when the new
    ///   name is another device's.
    package func updateDevice(_ device: Device) async throws -> EntityWrite {
        try await write(onViolation: Self.entityWrite) { db in
            try db.execute(sql: DeviceRecord.updateSQL, arguments: DeviceRecord.updateArguments(device))
            return db.changesCount > 0 ? .saved : .notFound
        }
    }

    /// The device `id` of `tenantId`.
    package func device(id: UUID, tenantId: UUID) async throws -> Device? {
        try await fetchDevice(where: "id = ? AND tenant_id = ?", [id, tenantId])
    }

    /// The device called `name` in `tenantId`.
    package func device(name: String, tenantId: UUID) async throws -> Device? {
        try await fetchDevice(where: "tenant_id = ? AND name = ?", [tenantId, name])
    }

    /// A page of the devices of `tenantId` (of one profile when `profileId` is set), each with its credentials
    /// type and `provisionState`; the page and its count are read on indexes (see ``DevicePageStatements``).
    package func devices(tenantId: UUID, profileId: UUID?, _ link: PageLink) async throws -> Page<DeviceListing> {
        if link.containsSearch, let text = link.textSearch, !text.isEmpty {
            return try await devices(tenantId: tenantId, profileId: profileId, containing: SearchText.fold(text), link)
        }
        let query = PageQuery(link)
        let cap = configuration.maxSearchCount
        let sparse = DevicePageStatements(tenantId: tenantId, profileId: profileId, query: query, denseSearch: false, countCap: cap)
        let denseMatches = configuration.denseSearchMatches
        return try await dbPool.read { db in
            let total = try Int.fetchOne(db.cachedStatement(sql: sparse.count), arguments: sparse.countArguments) ?? 0
            let statements =
                total > denseMatches
                ? DevicePageStatements(tenantId: tenantId, profileId: profileId, query: query, denseSearch: true, countCap: cap)
                : sparse
            let rows = try Row.fetchAll(db.cachedStatement(sql: statements.page), arguments: statements.pageArguments)
            return query.page(try rows.map(Self.decodeListing), total: total)
        }
    }

    /// A row of ``DevicePageStatements/listing(ids:order:)``.
    static func decodeListing(_ row: Row) throws -> DeviceListing {
        let offset = DeviceRecord.columnCount
        let type: String? = try row.decode(atIndex: offset)
        return DeviceListing(
            device: try DeviceRecord.decode(row),
            credentialsType: try type.map {
                try StoredValue.enumCase(CredentialsType.self, $0, table: "device_credentials", column: "credentials_type")
            },
            provisionState: row.hasNull(atIndex: offset + 1)
                ? nil : try TypedValueRecord.decode(row, at: offset + 1, table: "attributes").textValue,
            lastActivityTime: try activity(row.decode(atIndex: offset + 3))
        )
    }

    /// Deletes the device `id` of `tenantId` with its credentials (by the cascading foreign key), attributes and
    /// time series, in one transaction.
    /// - Returns: `false` when `tenantId` has no such device.
    package func deleteDevice(id: UUID, tenantId: UUID) async throws -> Bool {
        return try await waitedWrite { db in
            try db.execute(sql: "DELETE FROM devices WHERE id = ? AND tenant_id = ?", arguments: [id, tenantId])
            guard db.changesCount > 0 else { return false }
            try Self.deleteKeyValues(of: id, db)
            return true
        }
    }

    /// The credentials of `deviceId`.
    package func credentials(deviceId: UUID) async throws -> DeviceCredentials? {
        let sql = "SELECT \(DeviceCredentialsRecord.columns()) FROM device_credentials WHERE device_id = ?"
        return try pointRead { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [deviceId]).map {
                try DeviceCredentialsRecord.decode($0)
            }
        }
    }

    /// Replaces the type, id and value of the credentials of `deviceId`, keeping the row's id, and bumps the
    /// version.
    /// - Returns: The stored credentials, `.notFound` when the device has none, `.credentialsTaken` when another
    ///   device holds `material.credentialsId`.
    package func replaceCredentials(deviceId: UUID, with material: CredentialsMaterial) async throws -> CredentialsWrite
    {
        let sql = """
            UPDATE device_credentials SET credentials_type = ?, credentials_id = ?, credentials_value = ?,
                version = version + 1
            WHERE device_id = ?
            RETURNING \(DeviceCredentialsRecord.columns())
            """
        let arguments: StatementArguments = [
            material.type.rawValue, material.credentialsId, material.credentialsValue, deviceId,
        ]
        return try await write(onViolation: { $0 == .credentialsId ? .credentialsTaken : nil }) { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return .notFound }
            return .saved(try DeviceCredentialsRecord.decode(row))
        }
    }

    /// The device holding `credentialsId`, with its credentials.
    package func device(credentialsId: String) async throws -> (Device, DeviceCredentials)? {
        let sql = """
            SELECT \(DeviceRecord.columns("d.")), \(DeviceCredentialsRecord.columns("c."))
            FROM device_credentials AS c JOIN devices AS d ON d.id = c.device_id
            WHERE c.credentials_id = ?
            """
        return try pointRead { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [credentialsId]) else {
                return nil
            }
            return (try DeviceRecord.decode(row), try DeviceCredentialsRecord.decode(row, at: DeviceRecord.columnCount))
        }
    }

    package func devices(credentialsIds: [String]) async throws -> [(Device, DeviceCredentials)] {
        guard !credentialsIds.isEmpty else { return [] }
        let sql = """
            SELECT \(DeviceRecord.columns("d.")), \(DeviceCredentialsRecord.columns("c."))
            FROM device_credentials AS c JOIN devices AS d ON d.id = c.device_id
            WHERE c.credentials_id IN (\(databaseQuestionMarks(count: credentialsIds.count)))
            """
        return try pointRead { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(credentialsIds)).map { row in
                (try DeviceRecord.decode(row), try DeviceCredentialsRecord.decode(row, at: DeviceRecord.columnCount))
            }
        }
    }

    // MARK: - Shared

    /// The stored code of `SERVER_SCOPE`.
    static let serverScope = TypedValueRecord.code(.server)
    static let clientScope = TypedValueRecord.code(.client)

    /// A device's last activity as the page query computes it (0: never).
    static func activity(_ time: Int64) -> Int64? { time > 0 ? time : nil }

    /// The result of a device or asset write refused by `constraint`, or `nil` to rethrow.
    static func entityWrite(_ constraint: SQLiteConstraint) -> EntityWrite? {
        switch constraint {
        case .deviceName, .assetName: return .nameTaken
        case .credentialsId: return .credentialsTaken
        case .foreignKey: return .notFound
        default: return nil
        }
    }

    /// Deletes every attribute and time-series sample of `entityId`.
    static func deleteKeyValues(of entityId: UUID, _ db: Database) throws {
        for table in ["attributes", "ts_kv", "ts_kv_latest"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE entity_id = ?").execute(arguments: [entityId])
        }
    }

    private func fetchDevice(where condition: String, _ arguments: StatementArguments) async throws -> Device? {
        let sql = "SELECT \(DeviceRecord.columns()) FROM devices WHERE \(condition)"
        return try pointRead { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map { try DeviceRecord.decode($0) }
        }
    }
}

/// The count and page statements of a device listing.
///
/// The page's ids are chosen on an index alone (every device index carries the id, since `devices` is
/// `WITHOUT ROWID`), so a deep offset skips index entries rather than rows; only the page's rows are then joined
/// with credentials and `provisionState`.
///
/// A prefix search (without a profile filter) not sorted by name has two plans, forced with `INDEXED BY`
/// because SQLite cannot tell a dense prefix from a sparse one: the count comes first and picks one.
/// - Few matches (``SQLiteStore/Configuration/denseSearchMatches`` or fewer) are read from
///   `idx_device_search_text` and sorted, about 0.4 µs per match.
/// - Many matches are found by walking the sort's own index and filtering on `search_text` (which
///   `idx_device_created_time` holds), which stops after one page when the prefix is dense (the first letters
///   typed in the console). Measured on 1,000,000 devices, a prefix matching all of them, newest first:
///   400 ms sorted, 0.1 ms walked.
struct DevicePageStatements {
    let count: String
    let countArguments: StatementArguments
    let page: String
    let pageArguments: StatementArguments

    /// - Parameters:
    ///   - denseSearch: Whether a prefix search walks the sort's index rather than the search index.
    ///   - countCap: The most matches a prefix search counts.
    init(tenantId: UUID, profileId: UUID?, query: PageQuery, denseSearch: Bool, countCap: Int = 100_000) {
        var filter = "tenant_id = ?"
        var arguments: StatementArguments = [tenantId]
        if let profileId {
            filter += " AND device_profile_id = ?"
            arguments += [profileId]
        }
        filter += query.searchCondition("search_text")
        query.appendSearchArguments(to: &arguments)
        count = SQLiteMigrations.countSQL(
            table: "devices", kind: 1, filter: filter, profileFiltered: profileId != nil, searched: query.search != nil,
            cap: countCap
        )
        countArguments = arguments
        query.appendLimitArguments(to: &arguments)
        arguments += [WellKnownAttribute.provisionState]
        pageArguments = arguments
        let order = query.ordering(alias: "d.", type: "type", label: "label")
        var hint = ""
        if query.search != nil, profileId == nil, query.link.sortProperty != .name {
            switch (denseSearch, query.link.sortProperty) {
            case (false, _): hint = " INDEXED BY idx_device_search_text"
            case (true, .type): hint = " INDEXED BY idx_device_type"
            case (true, .label): hint = " INDEXED BY idx_device_label"
            case (true, _): hint = " INDEXED BY idx_device_created_time"
            }
        }
        page = Self.listing(
            ids: "SELECT id FROM devices AS d\(hint) WHERE \(filter) ORDER BY \(order)\(query.limitClause)", order: order)
    }

    /// The page's rows for the ids `ids` selects (one page of them, in order): each device with its credentials
    /// type, `provisionState` (the statement's last argument) and last activity.
    static func listing(ids: String, order: String) -> String {
        """
        SELECT \(DeviceRecord.columns("d.")), c.credentials_type, a.value_type, a.value,
            max(
                coalesce((SELECT max(t.ts) FROM ts_kv_latest AS t WHERE t.entity_id = d.id), 0),
                coalesce((SELECT max(k.last_update_ts) FROM attributes AS k
                    WHERE k.entity_id = d.id AND k.scope = \(SQLiteStore.clientScope)), 0)) AS last_activity
        FROM (\(ids)) AS p
        JOIN devices AS d ON d.id = p.id
        LEFT JOIN device_credentials AS c ON c.device_id = d.id
        LEFT JOIN attributes AS a ON a.entity_id = d.id AND a.scope = \(SQLiteStore.serverScope) AND a.key = ?
        ORDER BY \(order)
        """
    }
}
