import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    package func exportKeys(_ selection: ExportSelection) async throws -> [ExportKey] {
        let (table, profileColumn) = Self.exportTable(selection.entityType)
        let filter = "e.tenant_id = ?" + (selection.profileId == nil ? "" : " AND e.\(profileColumn) = ?")
        var arguments: StatementArguments = [selection.tenantId]
        if let profileId = selection.profileId { arguments += [profileId] }
        let attributes = """
            SELECT a.scope, a.key, a.value_type FROM \(table) e JOIN attributes a ON a.entity_id = e.id
            WHERE \(filter) AND a.scope IN (2, 3) GROUP BY a.scope, a.key, a.value_type
            """
        let telemetry = """
            SELECT 0, t.key, t.value_type FROM \(table) e JOIN ts_kv_latest t ON t.entity_id = e.id
            WHERE \(filter) GROUP BY t.key, t.value_type
            """
        return try await dbPool.read { [arguments] db in
            var keys: [ExportKeyID: Set<ImportValueType>] = [:]
            for sql in [attributes, telemetry] {
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    let scope: Int = row[0]
                    let kind = Self.exportKind(scope)
                    let type = try StoredValue.enumCase(ImportValueType.self, row[2], table: "attributes", column: "value_type")
                    keys[ExportKeyID(kind: kind, key: row[1]), default: []].insert(type)
                }
            }
            return keys.map { ExportKey(kind: $0.key.kind, key: $0.key.key, valueTypes: $0.value) }
                .sorted { ($0.kind, $0.key) < ($1.kind, $1.key) }
        }
    }

    package func exportPage(
        _ selection: ExportSelection, afterName: String?, limit: Int, withCredentials: Bool
    ) async throws -> [ExportedEntity] {
        let (table, profileColumn) = Self.exportTable(selection.entityType)
        let profiles = selection.entityType == .device ? "device_profiles" : "asset_profiles"
        var conditions = ["e.tenant_id = ?"]
        var arguments: StatementArguments = [selection.tenantId]
        if let profileId = selection.profileId {
            conditions.append("e.\(profileColumn) = ?")
            arguments += [profileId]
        }
        if let afterName {
            conditions.append("e.name > ?")
            arguments += [afterName]
        }
        arguments += [limit]
        let page = """
            SELECT e.id, e.name, p.name, e.label, e.additional_info FROM \(table) e
            JOIN \(profiles) p ON p.id = e.\(profileColumn)
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY e.name LIMIT ?
            """
        return try await dbPool.read { [arguments] db in
            var entities: [ExportedEntity] = []
            var ids: [UUID] = []
            let rows = try Row.fetchCursor(db, sql: page, arguments: arguments)
            while let row = try rows.next() {
                ids.append(row[0])
                entities.append(ExportedEntity(
                    name: row[1], type: row[2], label: row[3],
                    additionalInfo: try StoredValue.json(row[4], table: table, column: "additional_info"), values: []))
            }
            guard !ids.isEmpty else { return [] }
            var index: [UUID: Int] = [:]
            for (position, id) in ids.enumerated() { index[id] = position }
            let placeholders = databaseQuestionMarks(count: ids.count)
            let idArguments = StatementArguments(ids)
            let values = """
                SELECT entity_id, scope, key, value_type, value FROM attributes
                WHERE entity_id IN (\(placeholders)) AND scope IN (2, 3)
                UNION ALL
                SELECT entity_id, 0, key, value_type, value FROM ts_kv_latest WHERE entity_id IN (\(placeholders))
                """
            let valueRows = try Row.fetchCursor(db, sql: values, arguments: idArguments + idArguments)
            while let row = try valueRows.next() {
                guard let position = index[row[0]] else { continue }
                let scope: Int = row[1]
                let kind = Self.exportKind(scope)
                let value = try TypedValueRecord.decode(row, at: 3, table: scope == 0 ? "ts_kv_latest" : "attributes")
                entities[position].values.append(ExportedValue(kind: kind, key: row[2], value: value))
            }
            if withCredentials, selection.entityType == .device {
                let credentials = """
                    SELECT device_id, credentials_type, credentials_id, credentials_value FROM device_credentials
                    WHERE device_id IN (\(placeholders))
                    """
                let credentialRows = try Row.fetchCursor(db, sql: credentials, arguments: idArguments)
                while let row = try credentialRows.next() {
                    guard let position = index[row[0]] else { continue }
                    let type = try StoredValue.enumCase(
                        CredentialsType.self, row[1], table: "device_credentials", column: "credentials_type")
                    entities[position].credentials = CredentialsMaterial(
                        type: type, credentialsId: row[2], credentialsValue: row[3])
                }
            }
            return entities
        }
    }

    /// The kind of a value by the scope column the export's queries select: an attribute scope's code, 0 for the
    /// latest telemetry.
    private static func exportKind(_ scope: Int) -> ExportValueKind {
        if scope == TypedValueRecord.code(.server) { return .serverAttribute }
        if scope == TypedValueRecord.code(.shared) { return .sharedAttribute }
        return .telemetry
    }

    private static func exportTable(_ type: ImportEntityType) -> (table: String, profileColumn: String) {
        switch type {
        case .device: ("devices", "device_profile_id")
        case .asset: ("assets", "asset_profile_id")
        }
    }
}

/// A key of an export, by kind.
private struct ExportKeyID: Hashable {
    var kind: ExportValueKind
    var key: String
}
