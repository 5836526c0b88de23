import Foundation

/// Exports devices or assets as a CSV in the import's own dialect (issue 16): the columns the import understands
/// and the mapping that reads the file back, so that export → import into an empty installation restores the same
/// entities, labels, descriptions, gateway flags, attributes, latest telemetry and profiles (and, when asked,
/// credentials). Streamed a page at a time: memory stays flat whatever the number of entities.
///
/// A key whose values all have one type gets a column of that `valueType`, so each value comes back with its type
/// (`"007"` stays a string). A key holding several types gets a column without one: its cells are inferred on
/// import. Empty strings are not exported (the import skips empty cells).
package struct EntityExporter: Sendable {
    private let store: any ExportStore
    private let pageSize: Int

    package init(store: any ExportStore, pageSize: Int = 1000) {
        self.store = store
        self.pageSize = max(1, pageSize)
    }

    /// The columns of an export of `selection`, read from the store now.
    package func plan(_ selection: ExportSelection, withCredentials: Bool) async throws -> ExportPlan {
        let keys = try await store.exportKeys(selection)
        var columns: [ExportColumn] = [.name, .type, .label, .description]
        if selection.entityType == .device { columns.append(.isGateway) }
        for key in keys.sorted(by: { ($0.kind, $0.key) < ($1.kind, $1.key) }) {
            columns.append(.value(key.kind, key: key.key, type: key.valueTypes.count == 1 ? key.valueTypes.first : nil))
        }
        let credentials = withCredentials && selection.entityType == .device
        if credentials { columns += [.accessToken, .mqttClientId, .mqttUserName, .mqttPassword, .x509] }
        return ExportPlan(selection: selection, columns: columns, withCredentials: credentials)
    }

    /// Writes the export of `plan`: the header line, then one line per entity in name order, each ended by CRLF,
    /// handed to `write` a page at a time.
    /// - Returns: The number of entities written.
    package func export(_ plan: ExportPlan, write: (String) async throws -> Void) async throws -> Int {
        let csv = CSVLineWriter(delimiter: UInt8(ascii: ","))
        try await write(csv.line(plan.columns.map(\.header)) + "\r\n")
        var after: String?
        var count = 0
        while true {
            let page = try await store.exportPage(
                plan.selection, afterName: after, limit: pageSize, withCredentials: plan.withCredentials)
            guard let last = page.last else { break }
            var text = ""
            for entity in page { text += csv.line(plan.cells(of: entity)) + "\r\n" }
            try await write(text)
            count += page.count
            after = last.name
            if page.count < pageSize { break }
        }
        return count
    }
}

/// The columns of one export, and the mapping that reads its file back.
package struct ExportPlan: Sendable {
    package let selection: ExportSelection
    package let columns: [ExportColumn]
    package let withCredentials: Bool

    /// The import mapping's columns (`type`, `key`, `valueType`), in file order.
    package var mappingColumns: [RawImportColumn] { columns.map(\.mapping) }

    /// The cells of `entity`'s line, one per column (empty where it has no value).
    func cells(of entity: ExportedEntity) -> [String] {
        var values: [ExportValueKind: [String: AttributeValue]] = [:]
        for value in entity.values { values[value.kind, default: [:]][value.key] = value.value }
        let mqtt = entity.credentials?.mqttBasic
        return columns.map { column in
            switch column {
            case .name: return entity.name
            case .type: return entity.type
            case .label: return entity.label ?? ""
            case .description:
                if case .string(let text)? = entity.additionalInfo?["description"] { return text }
                return ""
            case .isGateway:
                if case .bool(true)? = entity.additionalInfo?["gateway"] { return "true" }
                return ""
            case .value(let kind, let key, _):
                return values[kind]?[key]?.textValue ?? ""
            case .accessToken:
                return entity.credentials?.type == .accessToken ? entity.credentials?.credentialsId ?? "" : ""
            case .mqttClientId: return mqtt?.clientId ?? ""
            case .mqttUserName: return mqtt?.userName ?? ""
            case .mqttPassword: return mqtt?.password ?? ""
            case .x509:
                return entity.credentials?.type == .x509Certificate ? entity.credentials?.credentialsValue ?? "" : ""
            }
        }
    }
}

/// One column of an export.
package enum ExportColumn: Sendable, Hashable {
    case name, type, label, description, isGateway
    case value(ExportValueKind, key: String, type: ImportValueType?)
    case accessToken, mqttClientId, mqttUserName, mqttPassword, x509

    /// The header cell: the column's meaning, readable (`server:serialNumber`, `telemetry:temperature`).
    var header: String {
        switch self {
        case .name: "name"
        case .type: "type"
        case .label: "label"
        case .description: "description"
        case .isGateway: "isGateway"
        case .value(.serverAttribute, let key, _): "server:\(key)"
        case .value(.sharedAttribute, let key, _): "shared:\(key)"
        case .value(.telemetry, let key, _): "telemetry:\(key)"
        case .accessToken: "accessToken"
        case .mqttClientId: "mqttClientId"
        case .mqttUserName: "mqttUserName"
        case .mqttPassword: "mqttPassword"
        case .x509: "x509"
        }
    }

    /// The import mapping's column.
    var mapping: RawImportColumn {
        switch self {
        case .name: RawImportColumn(type: "NAME")
        case .type: RawImportColumn(type: "TYPE")
        case .label: RawImportColumn(type: "LABEL")
        case .description: RawImportColumn(type: "DESCRIPTION")
        case .isGateway: RawImportColumn(type: "IS_GATEWAY")
        case .value(let kind, let key, let type):
            RawImportColumn(
                type: kind == .serverAttribute ? "SERVER_ATTRIBUTE" : kind == .sharedAttribute ? "SHARED_ATTRIBUTE" : "TIMESERIES",
                key: key, valueType: type?.rawValue)
        case .accessToken: RawImportColumn(type: "ACCESS_TOKEN")
        case .mqttClientId: RawImportColumn(type: "MQTT_CLIENT_ID")
        case .mqttUserName: RawImportColumn(type: "MQTT_USER_NAME")
        case .mqttPassword: RawImportColumn(type: "MQTT_PASSWORD")
        case .x509: RawImportColumn(type: "X509")
        }
    }
}
