import Foundation
import MusterCore

/// The `mapping` part of `POST /api/imports`: ThingsBoard's bulk-import mapping plus `entityType` and `dryRun`.
struct ImportMappingBody: Encodable, Sendable, Equatable {
    /// One mapped column (`key` for attribute and telemetry columns, `valueType` when forced).
    struct Column: Encodable, Sendable, Equatable {
        var type: String
        var key: String?
        var valueType: String?
    }

    var entityType: String
    var columns: [Column]
    var delimiter: String
    var header: Bool
    var update: Bool
    var dryRun: Bool

    /// Builds the mapping after checking it with the same rules as the server, so that a bad mapping is refused
    /// before anything is uploaded.
    /// - Parameters:
    ///   - columns: The parsed `--columns`.
    ///   - delimiter: One character, from ``ImportDelimiter/parse(_:)``.
    /// - Throws: ``ImportMappingBodyError`` saying what to fix.
    init(
        entityType: ImportEntityType, columns: [RawImportColumn], delimiter: String, header: Bool, update: Bool,
        dryRun: Bool
    ) throws(ImportMappingBodyError) {
        do {
            _ = try ImportMapping(
                entityType: entityType, columns: columns, delimiter: delimiter, header: header, update: update)
        } catch {
            throw ImportMappingBodyError(error)
        }
        self.entityType = entityType.rawValue
        self.columns = columns.map { Column(type: $0.type, key: $0.key, valueType: $0.valueType) }
        self.delimiter = delimiter
        self.header = header
        self.update = update
        self.dryRun = dryRun
    }

    /// The JSON text sent as the `mapping` part (keys sorted, so the output is stable).
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// A mapping the server would refuse, in the words of the command line.
struct ImportMappingBodyError: Error, Equatable, CustomStringConvertible {
    /// The rule that was broken.
    let reason: ImportMappingError

    init(_ reason: ImportMappingError) {
        self.reason = reason
    }

    var description: String {
        switch reason {
        case .missingNameColumn:
            return "--columns: a 'name' column is required (the CSV column holding each entity's name)"
        case .missingTypeColumn:
            return "--columns: a 'type' column is required (the CSV column naming the device or asset profile)"
        default:
            return "--columns: \(reason)"
        }
    }
}
