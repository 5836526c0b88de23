import GRDB
import MusterCore

/// The statements of a bulk import, per entity table. Each is taken from the connection's statement cache
/// (`Database.cachedStatement`), so a million-row import parses each of them once. The cache is keyed by SQL text:
/// every text here starts with the comment `/* import */`, so no other code path shares these statements (the
/// attribute and sample upserts are otherwise the same SQL as the device API's), and ``ImportBinder`` resets each
/// one when it takes it, whatever state it is in.
struct ImportStatements {
    /// Opens the savepoint of a row that updates an existing entity.
    let savepoint: ImportBinder
    /// Keeps what the row wrote.
    let release: ImportBinder
    /// Undoes what the row wrote (then ``release`` closes the savepoint).
    let rollback: ImportBinder
    /// Inserts the entity unless the tenant has one with that name (`ON CONFLICT DO NOTHING`): one index probe
    /// decides "new" and writes it, and `changesCount == 0` means "exists". Arguments: `id, tenant_id, name,
    /// search_text, type, profile id, label, additional_info, created_time`.
    let insertEntity: ImportBinder
    /// Deletes the entity `id` (undoes a new row refused for its credentials).
    let deleteEntity: ImportBinder
    /// `id, additional_info` of the entity with that `tenant_id, name`.
    let findEntity: ImportBinder
    /// Updates `type, profile id, label, additional_info` (each kept when its argument is NULL) of `id`, and
    /// bumps the version.
    let updateEntity: ImportBinder
    /// Inserts credentials: `id, device_id, created_time, type, credentials_id, value` (devices only).
    let insertCredentials: ImportBinder?
    /// Replaces the credentials of a device: `type, credentials_id, value, device_id` (devices only).
    let replaceCredentials: ImportBinder?
    /// Upserts an attribute: `entity_id, scope, key, value_type, value, last_update_ts`.
    let upsertAttribute: ImportBinder
    /// Upserts a sample, and the latest value (a newer or equal timestamp wins): `entity_id, key, ts,
    /// value_type, value`.
    let upsertSample: ImportBinder
    let upsertLatest: ImportBinder

    /// Prepares (or takes from the connection's cache) the statements for `entityType`.
    init(_ db: Database, entityType: ImportEntityType) throws {
        func prepare(_ sql: String) throws -> ImportBinder {
            try ImportBinder(try db.cachedStatement(sql: "/* import */ " + sql), db)
        }
        let table: String
        let profileColumn: String
        switch entityType {
        case .device: (table, profileColumn) = ("devices", "device_profile_id")
        case .asset: (table, profileColumn) = ("assets", "asset_profile_id")
        }
        savepoint = try prepare("SAVEPOINT muster_import_row")
        release = try prepare("RELEASE muster_import_row")
        rollback = try prepare("ROLLBACK TO muster_import_row")
        insertEntity = try prepare(
            """
            INSERT INTO \(table) (id, tenant_id, name, search_text, type, \(profileColumn), label, additional_info,
                created_time, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            ON CONFLICT DO NOTHING
            """)
        deleteEntity = try prepare("DELETE FROM \(table) WHERE id = ?")
        findEntity = try prepare("SELECT id, additional_info FROM \(table) WHERE tenant_id = ? AND name = ?")
        updateEntity = try prepare(
            """
            UPDATE \(table) SET type = coalesce(?, type), \(profileColumn) = coalesce(?, \(profileColumn)),
                label = coalesce(?, label), additional_info = coalesce(?, additional_info), version = version + 1
            WHERE id = ?
            """)
        if entityType == .device {
            insertCredentials = try prepare(
                """
                INSERT INTO device_credentials (id, device_id, created_time, credentials_type, credentials_id,
                    credentials_value, version)
                VALUES (?, ?, ?, ?, ?, ?, 1)
                """)
            replaceCredentials = try prepare(
                """
                UPDATE device_credentials SET credentials_type = ?, credentials_id = ?, credentials_value = ?,
                    version = version + 1
                WHERE device_id = ?
                """)
        } else {
            insertCredentials = nil
            replaceCredentials = nil
        }
        upsertAttribute = try prepare(
            """
            INSERT INTO attributes (entity_id, scope, key, value_type, value, last_update_ts)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (entity_id, scope, key) DO UPDATE SET
                value_type = excluded.value_type, value = excluded.value, last_update_ts = excluded.last_update_ts
            """)
        upsertSample = try prepare(
            """
            INSERT INTO ts_kv (entity_id, key, ts, value_type, value) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (entity_id, key, ts) DO UPDATE SET value_type = excluded.value_type, value = excluded.value
            """)
        upsertLatest = try prepare(
            """
            INSERT INTO ts_kv_latest (entity_id, key, ts, value_type, value) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (entity_id, key) DO UPDATE SET
                ts = excluded.ts, value_type = excluded.value_type, value = excluded.value
            WHERE excluded.ts >= ts_kv_latest.ts
            """)
    }
}
