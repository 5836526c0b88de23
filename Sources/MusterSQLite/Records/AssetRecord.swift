import Foundation
import GRDB
import MusterCore

/// Maps rows of `assets` to and from ``Asset``.
enum AssetRecord {
    static let table = "assets"

    private static let names = [
        "id", "tenant_id", "name", "type", "asset_profile_id", "label", "additional_info", "created_time", "version",
    ]

    /// The columns ``decode(_:)`` reads, in order, qualified with `alias` (e.g. `"a."`).
    static func columns(_ alias: String = "") -> String {
        names.map { alias + $0 }.joined(separator: ", ")
    }

    static let insertSQL = """
        INSERT INTO assets (\(columns()), search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insertArguments(_ asset: Asset) -> StatementArguments {
        [
            asset.id, asset.tenantId, asset.name, asset.type, asset.assetProfileId, asset.label,
            StoredValue.jsonText(asset.additionalInfo), asset.createdTime, asset.version, SearchText.fold(asset.name),
        ]
    }

    /// Updates the mutable fields of the asset with this id in this tenant, and bumps its version.
    static let updateSQL = """
        UPDATE assets SET name = ?, search_text = ?, type = ?, asset_profile_id = ?, label = ?, additional_info = ?,
            version = version + 1
        WHERE id = ? AND tenant_id = ? AND version = ?
        """

    static func updateArguments(_ asset: Asset) -> StatementArguments {
        [
            asset.name, SearchText.fold(asset.name), asset.type, asset.assetProfileId, asset.label,
            StoredValue.jsonText(asset.additionalInfo), asset.id, asset.tenantId, asset.version,
        ]
    }

    static func decode(_ row: Row) throws -> Asset {
        Asset(
            id: try row.decode(atIndex: 0),
            tenantId: try row.decode(atIndex: 1),
            name: try row.decode(atIndex: 2),
            type: try row.decode(atIndex: 3),
            assetProfileId: try row.decode(atIndex: 4),
            label: try row.decode(atIndex: 5),
            additionalInfo: try StoredValue.json(row.decode(atIndex: 6), table: table, column: names[6]),
            createdTime: try row.decode(atIndex: 7),
            version: try row.decode(atIndex: 8)
        )
    }
}
