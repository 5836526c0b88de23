import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: ExportStore {
    package func exportKeys(_ selection: ExportSelection) async throws -> [ExportKey] {
        let (table, profileColumn) = Self.exportTable(selection.entityType)
        let query = SQLBuilder()
        let tenant = query.bind(selection.tenantId)
        let profile = selection.profileId.map { " AND e.\(profileColumn) = \(query.bind($0))" } ?? ""
        query.append(
            """
            SELECT a.scope, a.key, a.value_type FROM \(table) e JOIN attributes a ON a.entity_id = e.id
            WHERE e.tenant_id = \(tenant)\(profile) AND a.scope IN (2, 3) GROUP BY a.scope, a.key, a.value_type
            UNION ALL
            SELECT 0, t.key, t.value_type FROM \(table) e JOIN ts_kv_latest t ON t.entity_id = e.id
            WHERE e.tenant_id = \(tenant)\(profile) GROUP BY t.key, t.value_type
            """)
        let rows = try await rows(query.query) { row in
            let (scope, key, tag) = try row.decode((Int, String, String).self)
            guard let type = ImportValueType(rawValue: tag) else {
                throw PostgresStoreError.invalidStoredValue(table: "attributes", column: "value_type")
            }
            return (Self.exportKind(scope), key, type)
        }
        var keys: [String: [ExportValueKind: Set<ImportValueType>]] = [:]
        for (kind, key, type) in rows { keys[key, default: [:]][kind, default: []].insert(type) }
        return keys.flatMap { key, kinds in kinds.map { ExportKey(kind: $0.key, key: key, valueTypes: $0.value) } }
            .sorted { ($0.kind, $0.key) < ($1.kind, $1.key) }
    }

    package func exportPage(
        _ selection: ExportSelection, afterName: String?, limit: Int, withCredentials: Bool
    ) async throws -> [ExportedEntity] {
        let (table, profileColumn) = Self.exportTable(selection.entityType)
        let profiles = selection.entityType == .device ? "device_profiles" : "asset_profiles"
        let page = SQLBuilder()
        page.append(
            """
            SELECT e.id, e.name, p.name, e.label, e.additional_info FROM \(table) e
            JOIN \(profiles) p ON p.id = e.\(profileColumn) WHERE e.tenant_id = \(page.bind(selection.tenantId))
            """)
        if let profileId = selection.profileId { page.append(" AND e.\(profileColumn) = \(page.bind(profileId))") }
        if let afterName { page.append(" AND e.name COLLATE \"C\" > \(page.bind(afterName))") }
        page.append(" ORDER BY e.name COLLATE \"C\" LIMIT \(page.bind(limit))")
        var ids: [UUID] = []
        var entities = try await rows(page.query) { row in
            let (id, name, type, label, info) = try row.decode((UUID, String, String, String?, String?).self)
            ids.append(id)
            return ExportedEntity(
                name: name, type: type, label: label, additionalInfo: try EntityRows.json(info, table: table),
                values: [])
        }
        guard !ids.isEmpty else { return [] }
        var index: [UUID: Int] = [:]
        for (position, id) in ids.enumerated() { index[id] = position }
        let values = SQLBuilder()
        let bound = values.bind(ids)
        values.append(
            """
            SELECT entity_id, scope, key, \(TypedValueColumns.names) FROM attributes
            WHERE entity_id = ANY(\(bound)) AND scope IN (2, 3)
            UNION ALL
            SELECT entity_id, 0, key, \(TypedValueColumns.names) FROM ts_kv_latest WHERE entity_id = ANY(\(bound))
            """)
        let found = try await rows(values.query) { row in
            let (id, scope, key, tag, bool, string, long, double, json) = try row.decode(
                (UUID, Int, String, String, Bool?, String?, Int64?, Double?, String?).self)
            let value = try TypedValueColumns.decode(
                (tag, bool, string, long, double, json), table: scope == 0 ? "ts_kv_latest" : "attributes")
            return (id, ExportedValue(kind: Self.exportKind(scope), key: key, value: value))
        }
        for (id, value) in found { if let position = index[id] { entities[position].values.append(value) } }
        if withCredentials, selection.entityType == .device {
            let credentials = try await rows(
                """
                SELECT device_id, credentials_type, credentials_id, credentials_value FROM device_credentials
                WHERE device_id = ANY(\(ids))
                """
            ) { row in
                let (id, type, credentialsId, value) = try row.decode((UUID, String, String, String?).self)
                return (id, CredentialsMaterial(
                    type: try EntityRows.credentialsType(type), credentialsId: credentialsId, credentialsValue: value))
            }
            for (id, material) in credentials { if let position = index[id] { entities[position].credentials = material } }
        }
        return entities
    }

    private static func exportTable(_ type: ImportEntityType) -> (table: String, profileColumn: String) {
        switch type {
        case .device: ("devices", "device_profile_id")
        case .asset: ("assets", "asset_profile_id")
        }
    }

    /// The kind of a value by the scope column the export's queries select: an attribute scope's code, 0 for the
    /// latest telemetry.
    private static func exportKind(_ scope: Int) -> ExportValueKind {
        if scope == TypedValueColumns.code(.server) { return .serverAttribute }
        if scope == TypedValueColumns.code(.shared) { return .sharedAttribute }
        return .telemetry
    }
}
