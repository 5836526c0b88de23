/// What is imported: devices or assets.
package enum ImportEntityType: String, Sendable, Codable, CaseIterable {
    case device = "DEVICE"
    case asset = "ASSET"
}

/// The column types Muster imports (ThingsBoard's `BulkImportColumnType`, without LwM2M, SNMP and edge columns).
package enum ImportColumnType: String, Sendable, Codable, CaseIterable {
    case name = "NAME"
    case type = "TYPE"
    case label = "LABEL"
    case description = "DESCRIPTION"
    case isGateway = "IS_GATEWAY"
    case sharedAttribute = "SHARED_ATTRIBUTE"
    case serverAttribute = "SERVER_ATTRIBUTE"
    case timeseries = "TIMESERIES"
    case accessToken = "ACCESS_TOKEN"
    case x509 = "X509"
    case mqttClientId = "MQTT_CLIENT_ID"
    case mqttUserName = "MQTT_USER_NAME"
    case mqttPassword = "MQTT_PASSWORD"
    /// Muster extension: a column that is read but ignored (e.g. the `error` column of an errors CSV).
    case skip = "SKIP"

    /// Whether the column holds a key-value (attribute or telemetry) and so needs a `key`.
    package var isKeyValue: Bool {
        self == .sharedAttribute || self == .serverAttribute || self == .timeseries
    }

    /// Whether the column holds device credentials.
    package var isCredentials: Bool {
        switch self {
        case .accessToken, .x509, .mqttClientId, .mqttUserName, .mqttPassword: return true
        default: return false
        }
    }

    /// ThingsBoard column types Muster refuses with a clear error.
    package static let unsupported: Set<String> = [
        "LWM2M_CLIENT_ENDPOINT", "LWM2M_CLIENT_SECURITY_CONFIG_MODE", "LWM2M_CLIENT_IDENTITY", "LWM2M_CLIENT_KEY",
        "LWM2M_CLIENT_CERT", "LWM2M_BOOTSTRAP_SERVER_SECURITY_MODE", "LWM2M_BOOTSTRAP_SERVER_PUBLIC_KEY_OR_ID",
        "LWM2M_BOOTSTRAP_SERVER_SECRET_KEY", "LWM2M_SERVER_SECURITY_MODE", "LWM2M_SERVER_CLIENT_PUBLIC_KEY_OR_ID",
        "LWM2M_SERVER_CLIENT_SECRET_KEY", "SNMP_HOST", "SNMP_PORT", "SNMP_VERSION", "SNMP_COMMUNITY_STRING",
        "ROUTING_KEY", "SECRET",
    ]
}

/// One mapped CSV column.
package struct ImportColumn: Sendable, Hashable {
    package var type: ImportColumnType
    /// The attribute or telemetry key (key-value columns only).
    package var key: String?
    /// An explicit value type instead of inference (Muster decision 6).
    package var valueType: ImportValueType?

    package init(type: ImportColumnType, key: String? = nil, valueType: ImportValueType? = nil) {
        self.type = type
        self.key = key
        self.valueType = valueType
    }
}

/// A column as a client sends it, before validation.
package struct RawImportColumn: Sendable, Hashable {
    package var type: String
    package var key: String?
    package var valueType: String?

    package init(type: String, key: String? = nil, valueType: String? = nil) {
        self.type = type
        self.key = key
        self.valueType = valueType
    }
}

/// A validated import mapping: how to read the file and what each column means.
package struct ImportMapping: Sendable, Hashable {
    package var entityType: ImportEntityType
    package var columns: [ImportColumn]
    package var delimiter: UInt8
    /// Whether the first record is a header (skipped).
    package var header: Bool
    /// Whether existing entities are updated; when `false` they are reported as errors and left untouched.
    package var update: Bool

    /// Checks a client's mapping.
    /// - Throws: ``ImportMappingError`` naming the first problem.
    package init(
        entityType: ImportEntityType, columns raw: [RawImportColumn], delimiter: String, header: Bool, update: Bool
    ) throws(ImportMappingError) {
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, CSVScanner.isValidDelimiter(byte) else {
            throw .invalidDelimiter(delimiter)
        }
        guard !raw.isEmpty else { throw .noColumns }
        var columns: [ImportColumn] = []
        var seenKeys: Set<String> = []
        for (index, column) in raw.enumerated() {
            let position = index + 1
            if ImportColumnType.unsupported.contains(column.type) { throw .unsupportedColumn(position: position, type: column.type) }
            guard let type = ImportColumnType(rawValue: column.type) else { throw .unknownColumnType(position: position, type: column.type) }
            if entityType == .asset, type.isCredentials || type == .isGateway {
                throw .notForAssets(position: position, type: column.type)
            }
            var valueType: ImportValueType?
            if let name = column.valueType, !name.isEmpty {
                guard type.isKeyValue else { throw .valueTypeWithoutKey(position: position) }
                guard let parsed = ImportValueType(rawValue: name) else { throw .unknownValueType(position: position, name: name) }
                valueType = parsed
            }
            var key: String?
            if type.isKeyValue {
                guard let given = column.key, !given.isEmpty else { throw .missingKey(position: position, type: column.type) }
                guard given.utf8.count <= TelemetryPayload.maxKeyLength else { throw .keyTooLong(position: position) }
                guard seenKeys.insert("\(type.rawValue)/\(given)").inserted else { throw .duplicateKey(position: position, key: given) }
                key = given
            } else if type != .skip, columns.contains(where: { $0.type == type }) {
                throw .duplicateColumn(position: position, type: column.type)
            }
            columns.append(ImportColumn(type: type, key: key, valueType: valueType))
        }
        guard columns.contains(where: { $0.type == .name }) else { throw .missingNameColumn }
        guard columns.contains(where: { $0.type == .type }) else { throw .missingTypeColumn }
        self.entityType = entityType
        self.columns = columns
        self.delimiter = byte
        self.header = header
        self.update = update
    }
}

/// Why a mapping was refused; positions count columns from 1.
package enum ImportMappingError: Error, Equatable, Sendable {
    case noColumns
    case invalidDelimiter(String)
    case unsupportedColumn(position: Int, type: String)
    case unknownColumnType(position: Int, type: String)
    case notForAssets(position: Int, type: String)
    case missingKey(position: Int, type: String)
    case keyTooLong(position: Int)
    case duplicateKey(position: Int, key: String)
    case duplicateColumn(position: Int, type: String)
    case valueTypeWithoutKey(position: Int)
    case unknownValueType(position: Int, name: String)
    case missingNameColumn
    case missingTypeColumn
}

extension ImportMappingError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .noColumns: return "the mapping has no columns"
        case .invalidDelimiter(let delimiter):
            return "delimiter '\(delimiter)' is not a single character other than a quote or a line break"
        case .unsupportedColumn(let position, let type): return "column \(position): \(type) is not supported by Muster"
        case .unknownColumnType(let position, let type): return "column \(position): unknown column type '\(type)'"
        case .notForAssets(let position, let type): return "column \(position): \(type) applies to devices only"
        case .missingKey(let position, let type): return "column \(position): \(type) needs a key"
        case .keyTooLong(let position): return "column \(position): the key is longer than 255 bytes"
        case .duplicateKey(let position, let key): return "column \(position): key '\(key)' is mapped twice"
        case .duplicateColumn(let position, let type): return "column \(position): \(type) is mapped twice"
        case .valueTypeWithoutKey(let position): return "column \(position): valueType applies to attribute and telemetry columns only"
        case .unknownValueType(let position, let name):
            return "column \(position): valueType '\(name)' is not one of STRING, LONG, DOUBLE, BOOLEAN, JSON"
        case .missingNameColumn: return "the mapping needs a NAME column"
        case .missingTypeColumn: return "the mapping needs a TYPE column"
        }
    }
}
