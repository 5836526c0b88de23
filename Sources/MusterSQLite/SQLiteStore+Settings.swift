import GRDB

extension SQLiteStore {
    /// Sets the server setting `name` to `value`, replacing what was stored (e.g. a rotated JWT signing key).
    package func replaceSetting(_ name: String, value: String) async throws {
        try await dbPool.write { db in
            try db.execute(
                sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                arguments: [name, value]
            )
        }
    }
}
