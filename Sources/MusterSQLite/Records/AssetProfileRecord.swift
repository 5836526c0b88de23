import Foundation
import GRDB
import MusterCore

/// Maps rows of `asset_profiles` to and from ``AssetProfile``.
enum AssetProfileRecord {
    /// The columns ``decode(_:)`` reads, in order.
    static let columns = "id, tenant_id, name, description, is_default, created_time, version"

    /// Inserts a profile, or updates the row with the same id when it belongs to the same tenant.
    static let upsertSQL = """
        INSERT INTO asset_profiles (\(columns), search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            name = excluded.name, search_text = excluded.search_text, description = excluded.description,
            is_default = excluded.is_default, version = asset_profiles.version + 1
        WHERE asset_profiles.tenant_id = excluded.tenant_id
        """

    static func upsertArguments(_ profile: AssetProfile) -> StatementArguments {
        [
            profile.id, profile.tenantId, profile.name, profile.description, profile.isDefault, profile.createdTime,
            profile.version, SearchText.fold(profile.name),
        ]
    }

    static func decode(_ row: Row) throws -> AssetProfile {
        AssetProfile(
            id: try row.decode(atIndex: 0),
            tenantId: try row.decode(atIndex: 1),
            name: try row.decode(atIndex: 2),
            description: try row.decode(atIndex: 3),
            isDefault: try row.decode(atIndex: 4),
            createdTime: try row.decode(atIndex: 5),
            version: try row.decode(atIndex: 6)
        )
    }
}
