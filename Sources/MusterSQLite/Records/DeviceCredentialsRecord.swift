import Foundation
import GRDB
import MusterCore

/// Maps rows of `device_credentials` to and from ``DeviceCredentials``.
enum DeviceCredentialsRecord {
    static let table = "device_credentials"

    private static let names = [
        "id", "device_id", "created_time", "credentials_type", "credentials_id", "credentials_value", "version",
    ]

    /// How many columns ``decode(_:at:)`` reads.
    static let columnCount = names.count

    /// The columns ``decode(_:at:)`` reads, in order, qualified with `alias` (e.g. `"c."`).
    static func columns(_ alias: String = "") -> String {
        names.map { alias + $0 }.joined(separator: ", ")
    }

    static let insertSQL = "INSERT INTO device_credentials (\(columns())) VALUES (?, ?, ?, ?, ?, ?, ?)"

    /// The arguments inserting `credentials` for `deviceId`.
    static func insertArguments(_ credentials: DeviceCredentials, deviceId: UUID) -> StatementArguments {
        [
            credentials.id, deviceId, credentials.createdTime, credentials.type.rawValue, credentials.credentialsId,
            credentials.credentialsValue, credentials.version,
        ]
    }

    /// The credentials in the columns starting at `offset`, or `nil` when they are NULL (an outer join miss).
    static func decodeIfPresent(_ row: Row, at offset: Int = 0) throws -> DeviceCredentials? {
        if row.hasNull(atIndex: offset) { return nil }
        return try decode(row, at: offset)
    }

    /// The credentials in the columns starting at `offset`.
    static func decode(_ row: Row, at offset: Int = 0) throws -> DeviceCredentials {
        DeviceCredentials(
            id: try row.decode(atIndex: offset),
            deviceId: try row.decode(atIndex: offset + 1),
            createdTime: try row.decode(atIndex: offset + 2),
            type: try StoredValue.enumCase(
                CredentialsType.self, row.decode(atIndex: offset + 3), table: table, column: names[3]),
            credentialsId: try row.decode(atIndex: offset + 4),
            credentialsValue: try row.decode(atIndex: offset + 5),
            version: try row.decode(atIndex: offset + 6)
        )
    }
}
