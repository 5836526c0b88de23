import Foundation
import MusterCore

/// One `--columns` entry, such as `name`, `server:serialNumber`, `telemetry:temp:DOUBLE` or ThingsBoard's own
/// `SERVER_ATTRIBUTE:serialNumber`, turned into the mapping column the job API takes.
///
/// The grammar is `KIND[:KEY[:VALUE_TYPE]]`: `KIND` is a short name (`name`, `type`, `label`, `description`,
/// `gateway`, `token`, `x509`, `mqtt-client-id`, `mqtt-user`, `mqtt-password`, `server`, `shared`, `telemetry`,
/// `skip` for an ignored column such as the `error` column of an errors CSV)
/// or a ThingsBoard column type (`NAME`, `SERVER_ATTRIBUTE`…); `KEY` is required for attribute and telemetry
/// columns and refused elsewhere; `VALUE_TYPE` (STRING, LONG, DOUBLE, BOOLEAN or JSON, any letter case) forces the
/// cell type instead of inference. A key cannot contain `:` or `,`.
enum ColumnSpec {
    /// The short names and the column type each stands for.
    static let shortNames: KeyValuePairs<String, ImportColumnType> = [
        "name": .name, "type": .type, "label": .label, "description": .description, "gateway": .isGateway,
        "token": .accessToken, "x509": .x509, "mqtt-client-id": .mqttClientId, "mqtt-user": .mqttUserName,
        "mqtt-password": .mqttPassword, "server": .serverAttribute, "shared": .sharedAttribute,
        "telemetry": .timeseries, "skip": .skip,
    ]

    /// Parses a whole `--columns` value.
    /// - Parameter list: Comma-separated specs, one per CSV column, in file order.
    /// - Returns: The columns, in order.
    /// - Throws: ``ColumnSpecError`` for the first spec that cannot be read.
    static func parseList(_ list: String) throws(ColumnSpecError) -> [RawImportColumn] {
        let specs = list.split(separator: ",", omittingEmptySubsequences: false)
        var columns: [RawImportColumn] = []
        for (index, spec) in specs.enumerated() {
            columns.append(try parse(String(spec), position: index + 1))
        }
        return columns
    }

    /// Parses one spec.
    /// - Parameters:
    ///   - spec: One entry of `--columns`; surrounding spaces are ignored.
    ///   - position: Its column number, counted from 1 (for error messages).
    /// - Returns: The column with its ThingsBoard type, key and explicit value type.
    /// - Throws: ``ColumnSpecError`` naming the spec.
    static func parse(_ spec: String, position: Int) throws(ColumnSpecError) -> RawImportColumn {
        let text = spec.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw .empty(position: position) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3 else { throw .tooManyParts(spec: text) }
        let kind = parts[0]
        let type: ImportColumnType
        if let short = shortNames.first(where: { $0.key == kind.lowercased() }) {
            type = short.value
        } else if let raw = ImportColumnType(rawValue: kind) {
            type = raw
        } else if ImportColumnType.unsupported.contains(kind) {
            throw .unsupported(spec: text)
        } else {
            throw .unknown(spec: text)
        }
        guard type.isKeyValue else {
            guard parts.count == 1 else { throw .keyNotAllowed(spec: text) }
            return RawImportColumn(type: type.rawValue)
        }
        guard parts.count >= 2, !parts[1].isEmpty else { throw .missingKey(spec: text) }
        var valueType: ImportValueType?
        if parts.count == 3 {
            guard let parsed = ImportValueType(rawValue: parts[2].uppercased()) else {
                throw .unknownValueType(spec: text, name: parts[2])
            }
            valueType = parsed
        }
        return RawImportColumn(type: type.rawValue, key: parts[1], valueType: valueType?.rawValue)
    }
}

/// Why a `--columns` entry was refused. Each case names the entry as typed.
enum ColumnSpecError: Error, Equatable, CustomStringConvertible {
    case empty(position: Int)
    case unknown(spec: String)
    case unsupported(spec: String)
    case tooManyParts(spec: String)
    case keyNotAllowed(spec: String)
    case missingKey(spec: String)
    case unknownValueType(spec: String, name: String)

    var description: String {
        switch self {
        case .empty(let position):
            return "--columns: column \(position) is empty (give one spec per CSV column)"
        case .unknown(let spec):
            let names = ColumnSpec.shortNames.map(\.key).joined(separator: ", ")
            return "--columns: unknown column '\(spec)'; use one of \(names) (server, shared and telemetry take a key, "
                + "as in server:serialNumber), or a ThingsBoard column type such as NAME or SERVER_ATTRIBUTE:key"
        case .unsupported(let spec):
            return "--columns: '\(spec)' is a ThingsBoard column type that Muster does not import"
        case .tooManyParts(let spec):
            return "--columns: '\(spec)' has too many ':' parts; the form is KIND[:KEY[:VALUE_TYPE]]"
        case .keyNotAllowed(let spec):
            return "--columns: '\(spec)' takes no key or value type (only server, shared and telemetry columns do)"
        case .missingKey(let spec):
            return "--columns: '\(spec)' needs a key, as in \(spec.split(separator: ":").first ?? "server"):myKey"
        case .unknownValueType(let spec, let name):
            return "--columns: '\(spec)': value type '\(name)' is not one of STRING, LONG, DOUBLE, BOOLEAN, JSON"
        }
    }
}
