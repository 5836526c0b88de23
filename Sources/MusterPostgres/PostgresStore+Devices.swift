import Foundation
import Logging
import MusterCore
import PostgresNIO

extension PostgresStore: DeviceStore {
    /// The most matches a name-prefix search counts for `totalElements`, as SQLite's default `maxSearchCount`:
    /// a broader prefix reports this many; unfiltered totals come from `entity_counts`.
    static let maxSearchCount = 100_000

    /// Inserts `device` with `credentials` (stored for `device.id`) in one transaction.
    /// - Returns: `.saved`; `.nameTaken` or `.credentialsTaken` when a constraint refused it; `.notFound` when
    ///   the device's profile is not one of its tenant's. Nothing is written unless `.saved`.
    package func insertDevice(_ device: Device, credentials: DeviceCredentials) async throws -> EntityWrite {
        try await transaction(onViolation: Self.entityWrite) { [self] connection in
            try await Self.insert(device, credentials: credentials, on: connection, logger: logger)
            return .saved
        }
    }

    /// Updates the name, label, profile (and type) and additional info of `device` in its tenant, while its
    /// stored version is `device.version`, and bumps the version.
    /// - Returns: `.notFound` when the tenant has no such device (at that version) or no such profile,
    ///   `.nameTaken` when the new name is another device's.
    package func updateDevice(_ device: Device) async throws -> EntityWrite {
        try await transaction(onViolation: Self.entityWrite) { [self] connection in
            let updated = try await rowCount(
                """
                UPDATE devices SET name = \(device.name), search_text = \(SearchText.fold(device.name)),
                    type = \(device.type), device_profile_id = \(device.deviceProfileId), label = \(device.label),
                    additional_info = \(device.additionalInfo?.serialized), version = version + 1
                WHERE tenant_id = \(device.tenantId) AND id = \(device.id) AND version = \(device.version)
                RETURNING 1
                """, on: connection)
            return updated == 0 ? .notFound : .saved
        }
    }

    /// The device `id` of `tenantId`.
    package func device(id: UUID, tenantId: UUID) async throws -> Device? {
        try await rows(
            "SELECT \(unescaped: EntityRows.deviceColumns()) FROM devices WHERE tenant_id = \(tenantId) AND id = \(id)",
            EntityRows.decodeDevice
        ).first
    }

    /// The device called `name` in `tenantId`.
    package func device(name: String, tenantId: UUID) async throws -> Device? {
        try await rows(
            """
            SELECT \(unescaped: EntityRows.deviceColumns()) FROM devices WHERE tenant_id = \(tenantId) AND name = \(name)
            """, EntityRows.decodeDevice
        ).first
    }

    /// A page of the devices of `tenantId` (of one profile when `profileId` is set), each with its credentials
    /// type and `provisionState`. The page's ids are chosen first (on an index), and only they are joined.
    /// A substring search (`containsSearch`) matches `search_text LIKE '%text%'` on the trigram index
    /// (migration `2026-12-09-device-name-trigrams`), counted up to ``substringCountCap``, as on SQLite.
    package func devices(tenantId: UUID, profileId: UUID?, _ link: PageLink) async throws -> Page<DeviceListing> {
        var pageLink = link
        var substring: String?
        if link.containsSearch, let text = link.textSearch, !text.isEmpty {
            substring = SearchText.fold(text)
            pageLink.textSearch = nil
        }
        let page = PostgresPageQuery(pageLink)
        let order = page.ordering(alias: "d.", type: "type", label: "label")
        let filter = entityFilter(tenantId: tenantId, profileColumn: "device_profile_id", profileId: profileId, page)
        let count: SQLBuilder
        if let substring {
            filter.append(" AND d.search_text LIKE \(filter.bind(LikePattern.containing(substring)))")
            count = filter.prefixed("SELECT count(*) FROM (SELECT 1 FROM devices AS d WHERE ")
            count.append(" LIMIT \(count.bind(Self.substringCountCap))) AS matches")
        } else {
            count = entityCount(table: "devices", kind: 1, filter: filter, page: page, profileId: profileId)
        }
        let statement = filter.prefixed(
            """
            SELECT \(EntityRows.deviceColumns("d.")), c.credentials_type,
                a.value_type, a.bool_v, a.str_v, a.long_v, a.dbl_v, a.json_v,
                greatest(
                    (SELECT max(t.ts) FROM ts_kv_latest AS t WHERE t.entity_id = d.id),
                    (SELECT max(k.last_update_ts) FROM attributes AS k
                        WHERE k.entity_id = d.id AND k.scope = \(TypedValueColumns.code(.client)))) AS last_activity
            FROM (SELECT d.id FROM devices AS d WHERE\u{20}
            """)
        statement.append(" ORDER BY \(order)")
        page.appendLimit(to: statement)
        statement.append(
            """
            ) AS p
            JOIN devices AS d ON d.tenant_id = \(statement.bind(tenantId)) AND d.id = p.id
            LEFT JOIN device_credentials AS c ON c.device_id = d.id
            LEFT JOIN attributes AS a ON a.entity_id = d.id AND a.scope = \(statement.bind(TypedValueColumns.code(.server)))
                AND a.key = \(statement.bind(WellKnownAttribute.provisionState))
            ORDER BY \(order)
            """)
        let countQuery = count.query
        let statementQuery = statement.query
        return try await snapshot { [self] connection in
            let total = try await scalar(Int.self, countQuery, on: connection) ?? 0
            let listings = try await rows(statementQuery, on: connection) { row in
                let (entity, credentialsType, tag, bool, string, long, double, json, activity) = try Self.decodeListing(row)
                let device = try EntityRows.device(entity)
                let state: String? =
                    if let tag {
                        try TypedValueColumns.decode((tag, bool, string, long, double, json), table: "attributes")
                            .textValue
                    } else {
                        nil
                    }
                return DeviceListing(
                    device: device, credentialsType: try credentialsType.map(EntityRows.credentialsType),
                    provisionState: state, lastActivityTime: activity)
            }
            return page.page(listings, total: total)
        }
    }

    /// Deletes the device `id` of `tenantId` with its credentials (by the cascading foreign key), attributes and
    /// time series, in one transaction.
    /// - Returns: `false` when `tenantId` has no such device.
    package func deleteDevice(id: UUID, tenantId: UUID) async throws -> Bool {
        try await transaction { [self] connection in
            let deleted = try await rowCount(
                "DELETE FROM devices WHERE tenant_id = \(tenantId) AND id = \(id) RETURNING 1", on: connection
            )
            guard deleted > 0 else { return false }
            try await deleteKeyValues(of: id, on: connection)
            return true
        }
    }

    /// The credentials of `deviceId`.
    package func credentials(deviceId: UUID) async throws -> DeviceCredentials? {
        try await rows(
            """
            SELECT \(unescaped: EntityRows.credentialsColumns()) FROM device_credentials WHERE device_id = \(deviceId)
            """, EntityRows.decodeCredentials
        ).first
    }

    /// Replaces the type, id and value of the credentials of `deviceId`, keeping the row's id, and bumps the
    /// version.
    /// - Returns: The stored credentials, `.notFound` when the device has none, `.credentialsTaken` when another
    ///   device holds `material.credentialsId`.
    package func replaceCredentials(deviceId: UUID, with material: CredentialsMaterial) async throws -> CredentialsWrite
    {
        do {
            let stored = try await rows(
                """
                UPDATE device_credentials SET credentials_type = \(material.type.rawValue),
                    credentials_id = \(material.credentialsId), credentials_value = \(material.credentialsValue),
                    version = version + 1
                WHERE device_id = \(deviceId)
                RETURNING \(unescaped: EntityRows.credentialsColumns())
                """, EntityRows.decodeCredentials)
            return stored.first.map { .saved($0) } ?? .notFound
        } catch {
            if PostgresConstraint(error) == .credentialsId { return .credentialsTaken }
            throw Self.unwrapped(error)
        }
    }

    /// The device holding `credentialsId`, with its credentials.
    package func device(credentialsId: String) async throws -> (Device, DeviceCredentials)? {
        try await rows(
            """
            SELECT \(unescaped: EntityRows.deviceColumns("d.")), \(unescaped: EntityRows.credentialsColumns("c."))
            FROM device_credentials AS c JOIN devices AS d ON d.tenant_id = c.tenant_id AND d.id = c.device_id
            WHERE c.credentials_id = \(credentialsId)
            """, Self.deviceWithCredentials
        ).first
    }

    package func devices(credentialsIds: [String]) async throws -> [(Device, DeviceCredentials)] {
        guard !credentialsIds.isEmpty else { return [] }
        return try await rows(
            """
            SELECT \(unescaped: EntityRows.deviceColumns("d.")), \(unescaped: EntityRows.credentialsColumns("c."))
            FROM device_credentials AS c JOIN devices AS d ON d.tenant_id = c.tenant_id AND d.id = c.device_id
            WHERE c.credentials_id = ANY(\(credentialsIds))
            """, Self.deviceWithCredentials)
    }

    /// A row of device columns followed by credentials columns.
    private static func deviceWithCredentials(_ row: PostgresRow) throws -> (Device, DeviceCredentials) {
        let cells = try row.decode(
            (UUID, UUID, String, String, UUID, String?, String?, Int64, Int64,
                UUID, UUID, Int64, String, String, String?, Int64).self)
        let device = try EntityRows.device((cells.0, cells.1, cells.2, cells.3, cells.4, cells.5, cells.6, cells.7, cells.8))
        let credentials = try EntityRows.credentials((cells.9, cells.10, cells.11, cells.12, cells.13, cells.14, cells.15))
        return (device, credentials)
    }

    // MARK: - Shared

    /// The result of a device or asset write refused by `constraint`, or `nil` to rethrow.
    static func entityWrite(_ constraint: PostgresConstraint) -> EntityWrite? {
        switch constraint {
        case .deviceName, .assetName: .nameTaken
        case .credentialsId: .credentialsTaken
        case .foreignKey: .notFound
        default: nil
        }
    }

    /// Deletes every attribute and time-series sample of `entityId`.
    func deleteKeyValues(of entityId: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM attributes WHERE entity_id = \(entityId)", logger: logger)
        try await connection.query("DELETE FROM ts_kv WHERE entity_id = \(entityId)", logger: logger)
        try await connection.query("DELETE FROM ts_kv_latest WHERE entity_id = \(entityId)", logger: logger)
    }

    /// The filter of a device or asset listing on the alias `d`:
    /// `d.tenant_id = $1 [AND d.<profile> = $2] [AND d.search_text >= … AND d.search_text < …]`.
    func entityFilter(tenantId: UUID, profileColumn: String, profileId: UUID?, _ page: PostgresPageQuery) -> SQLBuilder {
        let filter = SQLBuilder()
        filter.append("d.tenant_id = \(filter.bind(tenantId))")
        if let profileId { filter.append(" AND d.\(profileColumn) = \(filter.bind(profileId))") }
        page.appendSearchCondition("d.search_text", to: filter)
        return filter
    }

    /// The most matches a substring search counts, as on SQLite.
    static let substringCountCap = 10_000

    /// The count of a listing, as on SQLite: the counters when nothing but the tenant (and profile) filters it,
    /// otherwise a COUNT of the matches capped at ``maxSearchCount``.
    func entityCount(table: String, kind: Int16, filter: SQLBuilder, page: PostgresPageQuery, profileId: UUID?)
        -> SQLBuilder
    {
        if page.search != nil {
            let count = filter.prefixed("SELECT count(*) FROM (SELECT 1 FROM \(table) AS d WHERE ")
            count.append(" LIMIT \(count.bind(Self.maxSearchCount))) AS matches")
            return count
        }
        // `$1` is the tenant and `$2` the profile in `filter`.
        return filter.replacingSQL(
            """
            SELECT COALESCE(SUM(count), 0)::bigint FROM entity_counts
            WHERE tenant_id = $1 AND entity_kind = \(kind)\(profileId == nil ? "" : " AND profile_id = $2")
            """)
    }

    private static func decodeListing(_ row: PostgresRow) throws -> (
        EntityRows.EntityCells, String?, String?, Bool?, String?, Int64?, Double?, String?, Int64?
    ) {
        let cells = try row.decode(
            (UUID, UUID, String, String, UUID, String?, String?, Int64, Int64,
                String?, String?, Bool?, String?, Int64?, Double?, String?, Int64?).self)
        return (
            (cells.0, cells.1, cells.2, cells.3, cells.4, cells.5, cells.6, cells.7, cells.8),
            cells.9, cells.10, cells.11, cells.12, cells.13, cells.14, cells.15, cells.16
        )
    }

    /// Inserts `device` and its `credentials` on `connection` (inside the caller's transaction): the one insert of
    /// a new device that saving and provisioning share.
    static func insert(
        _ device: Device, credentials: DeviceCredentials, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO devices (\(unescaped: EntityRows.deviceColumns()), search_text)
            VALUES (\(device.id), \(device.tenantId), \(device.name), \(device.type), \(device.deviceProfileId),
                \(device.label), \(device.additionalInfo?.serialized), \(device.createdTime), \(device.version),
                \(SearchText.fold(device.name)))
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO device_credentials (tenant_id, \(unescaped: EntityRows.credentialsColumns()))
            VALUES (\(device.tenantId), \(credentials.id), \(device.id), \(credentials.createdTime),
                \(credentials.type.rawValue), \(credentials.credentialsId), \(credentials.credentialsValue),
                \(credentials.version))
            """, logger: logger)
    }
}
