import Foundation
import GRDB
import MusterCore

extension SQLiteMigrations {
    /// The identifier of ``trimNames(_:)``.
    static let trimNamesIdentifier = "2026-12-06-trim-entity-names"

    /// Unicode `White_Space` (what `CharacterSet.whitespacesAndNewlines` holds), for SQLite's `trim(X, Y)`: finds
    /// the candidate rows on the database side, so an unaffected table of millions of names is one scan.
    private static let whiteSpace: String = {
        let values: [UInt32] = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680]
            + Array(0x2000...0x200A) + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
        var scalars = String.UnicodeScalarView()
        for value in values { if let scalar = Unicode.Scalar(value) { scalars.append(scalar) } }
        return String(scalars)
    }()

    /// Device and asset names as every path now stores them: without leading or trailing white space. Before,
    /// provisioning trimmed but `POST /api/device`, `POST /api/asset` and bulk imports stored names as sent.
    ///
    /// A name is trimmed (with its `search_text`) unless the trimmed name is already another entity's in the same
    /// tenant, or is blank; then it is left as it is. Each name looked at is written to `name_trim_report`
    /// (`TRIMMED`, `KEPT_NAME_TAKEN`, `KEPT_BLANK`), which ``SQLiteStore/open(directory:configuration:logger:)``
    /// logs once, when this migration runs.
    static func trimNames(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE name_trim_report (
                entity_kind TEXT NOT NULL,
                entity_id BLOB NOT NULL,
                tenant_id BLOB NOT NULL,
                old_name TEXT NOT NULL,
                new_name TEXT NOT NULL,
                outcome TEXT NOT NULL
            ) STRICT;
            """)
        for (table, kind) in [("devices", "DEVICE"), ("assets", "ASSET")] {
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, tenant_id, name, search_text FROM \(table) WHERE name <> trim(name, ?)",
                arguments: [whiteSpace]
            )
            for row in rows {
                let id: DatabaseValue = row[0]
                let tenantId: DatabaseValue = row[1]
                let name: String = row[2]
                let searchText: String = row[3]
                let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed != name else { continue }
                let outcome: String
                if trimmed.isEmpty {
                    outcome = "KEPT_BLANK"
                } else if try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE tenant_id = ? AND name = ?)",
                    arguments: [tenantId, trimmed]
                ) ?? false {
                    outcome = "KEPT_NAME_TAKEN"
                } else {
                    // White space has no case, so the folded name trims to the folded trimmed name.
                    try db.execute(
                        sql: "UPDATE \(table) SET name = ?, search_text = ? WHERE id = ?",
                        arguments: [trimmed, searchText.trimmingCharacters(in: .whitespacesAndNewlines), id]
                    )
                    outcome = "TRIMMED"
                }
                try db.execute(
                    sql: "INSERT INTO name_trim_report VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [kind, id, tenantId, name, trimmed, outcome]
                )
            }
        }
    }

    /// What ``trimNames(_:)`` did, one line per name, for the log.
    static func trimNamesReport(_ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "SELECT entity_kind, entity_id, old_name, new_name, outcome FROM name_trim_report").map { row in
            let kind: String = row[0]
            let id: UUID = row[1]
            let old: String = row[2]
            let new: String = row[3]
            let outcome: String = row[4]
            return "\(kind) \(id.uuidString.lowercased()) \(JSONValue.quoted(old)) -> \(JSONValue.quoted(new)): \(outcome)"
        }
    }
}
