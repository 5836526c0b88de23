import Foundation
import GRDB
import MusterCore

/// Maps rows of `devices` to and from ``Device``.
enum DeviceRecord {
    static let table = "devices"

    private static let names = [
        "id", "tenant_id", "name", "type", "device_profile_id", "label", "additional_info", "created_time", "version",
    ]

    /// How many columns ``decode(_:at:)`` reads.
    static let columnCount = names.count

    /// The columns ``decode(_:at:)`` reads, in order, qualified with `alias` (e.g. `"d."`).
    static func columns(_ alias: String = "") -> String {
        names.map { alias + $0 }.joined(separator: ", ")
    }

    static let insertSQL = """
        INSERT INTO devices (\(columns()), search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insertArguments(_ device: Device) -> StatementArguments {
        [
            device.id, device.tenantId, device.name, device.type, device.deviceProfileId, device.label,
            StoredValue.jsonText(device.additionalInfo), device.createdTime, device.version,
            SearchText.fold(device.name),
        ]
    }

    /// Updates the mutable fields of the device with this id in this tenant, and bumps its version.
    static let updateSQL = """
        UPDATE devices SET name = ?, search_text = ?, type = ?, device_profile_id = ?, label = ?, additional_info = ?,
            version = version + 1
        WHERE id = ? AND tenant_id = ? AND version = ?
        """

    static func updateArguments(_ device: Device) -> StatementArguments {
        [
            device.name, SearchText.fold(device.name), device.type, device.deviceProfileId, device.label,
            StoredValue.jsonText(device.additionalInfo), device.id, device.tenantId, device.version,
        ]
    }

    /// The device in the columns starting at `offset`.
    static func decode(_ row: Row, at offset: Int = 0) throws -> Device {
        Device(
            id: try row.decode(atIndex: offset),
            tenantId: try row.decode(atIndex: offset + 1),
            name: try row.decode(atIndex: offset + 2),
            type: try row.decode(atIndex: offset + 3),
            deviceProfileId: try row.decode(atIndex: offset + 4),
            label: try row.decode(atIndex: offset + 5),
            additionalInfo: try StoredValue.json(row.decode(atIndex: offset + 6), table: table, column: names[6]),
            createdTime: try row.decode(atIndex: offset + 7),
            version: try row.decode(atIndex: offset + 8)
        )
    }
}
