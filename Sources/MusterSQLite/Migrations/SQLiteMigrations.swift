import GRDB

/// The schema's history. Append-only: a migration that has shipped is never edited; a change is a new migration
/// named after its date. Migrations are SQL text and never use Swift record types, so that they keep meaning what
/// they meant when they shipped.
///
/// The logical schema and the constraint names are shared with the PostgreSQL backend; SQLite reports a failed
/// UNIQUE constraint by its columns, and ``SQLiteConstraint`` maps those columns back to these names.
enum SQLiteMigrations {
    /// The migrator holding every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-foundation") { db in
            try db.execute(sql: foundation)
        }
        migrator.registerMigration("2026-11-29-entity-counts") { db in
            try db.execute(sql: entityCounts)
        }
        migrator.registerMigration(trimNamesIdentifier) { db in
            try trimNames(db)
        }
        // The node that served an audited attempt (`node.name`); NULL for entries written before.
        migrator.registerMigration("2026-12-08-audit-node") { db in
            try db.execute(sql: "ALTER TABLE audit_log ADD COLUMN node TEXT")
        }
        migrator.registerMigration("2026-12-08-import-jobs") { db in
            try db.execute(sql: importJobs)
        }
        migrator.registerMigration("2026-12-09-audit-actions") { db in
            try db.execute(sql: auditActions)
        }
        // The data rows of a job's file, known after its check pass (NULL until then, and for earlier jobs).
        migrator.registerMigration("2026-12-09-import-rows-total") { db in
            try db.execute(sql: "ALTER TABLE import_jobs ADD COLUMN rows_total INTEGER")
        }
        migrator.registerMigration("2026-12-09-device-name-trigrams") { db in
            try db.execute(sql: deviceTrigrams)
        }
        // Devices created through each budgeted profile's provision key (`provisionConfiguration.maxDevices`).
        migrator.registerMigration("2026-12-10-provision-key-usage") { db in
            try db.execute(sql: """
                CREATE TABLE provision_key_usage (
                    profile_id BLOB NOT NULL PRIMARY KEY,
                    devices_created INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID
                """)
        }
        return migrator
    }

    /// Tenants, users, settings, profiles, devices, assets, credentials, attributes, time series and the audit log.
    ///
    /// - Ids are 16-byte BLOBs (time-ordered, so new rows land at the end of each primary-key index).
    /// - `search_text` holds the Swift-lowercased name: a case-insensitive prefix search is a range scan on
    ///   `(tenant_id, search_text)`, for every script, with no `LIKE` escaping.
    /// - `devices` and `assets` are `WITHOUT ROWID`, so every secondary index carries the id and a page ordered
    ///   by `(created_time, id)` or `(search_text, id)` comes straight from an index.
    /// - The console lists up to millions of devices per tenant, so every sort of a device page has an index,
    ///   and the two device indexes a prefix search uses also carry the other key: `idx_device_search_text`
    ///   holds `created_time` (a page of matches sorted by time reads no table rows), and
    ///   `idx_device_created_time` holds `search_text` (a dense prefix is filtered while walking it in time
    ///   order, see ``DevicePageStatements``).
    /// - A device's profile is referenced with its tenant, `(tenant_id, device_profile_id)`, so that the database
    ///   itself refuses a device of one tenant pointing at another tenant's profile.
    /// - A typed value (`attributes`, `ts_kv`, `ts_kv_latest`) is a `value_type` tag plus an untyped `value`
    ///   column (STRICT `ANY`), which keeps each value's SQLite storage class exactly.
    private static let foundation = """
        CREATE TABLE settings (
            name TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE tenants (
            id BLOB NOT NULL PRIMARY KEY,
            title TEXT NOT NULL,
            search_text TEXT NOT NULL,
            created_time INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX idx_tenant_created_time ON tenants (created_time);
        CREATE INDEX idx_tenant_search_text ON tenants (search_text);

        CREATE TABLE users (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB,
            email TEXT NOT NULL COLLATE NOCASE,
            authority TEXT NOT NULL,
            first_name TEXT,
            last_name TEXT,
            created_time INTEGER NOT NULL,
            password_hash TEXT NOT NULL,
            CONSTRAINT user_email_unq_key UNIQUE (email)
        ) STRICT;

        CREATE TABLE device_profiles (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT NOT NULL,
            description TEXT,
            is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
            transport_type TEXT NOT NULL,
            provision_type TEXT NOT NULL,
            provision_device_key TEXT,
            provision_configuration TEXT NOT NULL,
            profile_data TEXT NOT NULL,
            created_time INTEGER NOT NULL,
            version INTEGER NOT NULL,
            CONSTRAINT device_profile_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT device_provision_key_unq_key UNIQUE (provision_device_key),
            CONSTRAINT device_profile_tenant_id_unq_key UNIQUE (tenant_id, id)
        ) STRICT;
        CREATE UNIQUE INDEX device_profile_default_unq_key ON device_profiles (tenant_id) WHERE is_default = 1;
        CREATE INDEX idx_device_profile_created_time ON device_profiles (tenant_id, created_time);
        CREATE INDEX idx_device_profile_search_text ON device_profiles (tenant_id, search_text);

        CREATE TABLE asset_profiles (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT NOT NULL,
            description TEXT,
            is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
            created_time INTEGER NOT NULL,
            version INTEGER NOT NULL,
            CONSTRAINT asset_profile_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT asset_profile_tenant_id_unq_key UNIQUE (tenant_id, id)
        ) STRICT;
        CREATE UNIQUE INDEX asset_profile_default_unq_key ON asset_profiles (tenant_id) WHERE is_default = 1;
        CREATE INDEX idx_asset_profile_created_time ON asset_profiles (tenant_id, created_time);
        CREATE INDEX idx_asset_profile_search_text ON asset_profiles (tenant_id, search_text);

        CREATE TABLE devices (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT NOT NULL,
            type TEXT NOT NULL,
            device_profile_id BLOB NOT NULL,
            label TEXT,
            additional_info TEXT,
            created_time INTEGER NOT NULL,
            version INTEGER NOT NULL,
            CONSTRAINT device_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT fk_device_profile FOREIGN KEY (tenant_id, device_profile_id)
                REFERENCES device_profiles (tenant_id, id) ON DELETE RESTRICT
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX idx_device_created_time ON devices (tenant_id, created_time, id, search_text);
        CREATE INDEX idx_device_profile_id_created_time ON devices (tenant_id, device_profile_id, created_time);
        CREATE INDEX idx_device_search_text ON devices (tenant_id, search_text, id, created_time);
        CREATE INDEX idx_device_type ON devices (tenant_id, type);
        CREATE INDEX idx_device_label ON devices (tenant_id, label);

        CREATE TABLE assets (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT NOT NULL,
            type TEXT NOT NULL,
            asset_profile_id BLOB NOT NULL,
            label TEXT,
            additional_info TEXT,
            created_time INTEGER NOT NULL,
            version INTEGER NOT NULL,
            CONSTRAINT asset_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT fk_asset_profile FOREIGN KEY (tenant_id, asset_profile_id)
                REFERENCES asset_profiles (tenant_id, id) ON DELETE RESTRICT
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX idx_asset_created_time ON assets (tenant_id, created_time);
        CREATE INDEX idx_asset_profile_id_created_time ON assets (tenant_id, asset_profile_id, created_time);
        CREATE INDEX idx_asset_search_text ON assets (tenant_id, search_text);

        CREATE TABLE device_credentials (
            id BLOB NOT NULL PRIMARY KEY,
            device_id BLOB NOT NULL,
            created_time INTEGER NOT NULL,
            credentials_type TEXT NOT NULL,
            credentials_id TEXT NOT NULL,
            credentials_value TEXT,
            version INTEGER NOT NULL,
            CONSTRAINT device_credentials_device_id_unq_key UNIQUE (device_id),
            CONSTRAINT device_credentials_id_unq_key UNIQUE (credentials_id),
            CONSTRAINT fk_device_credentials_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
        ) STRICT;

        CREATE TABLE attributes (
            entity_id BLOB NOT NULL,
            scope INTEGER NOT NULL,
            key TEXT NOT NULL,
            value_type TEXT NOT NULL CHECK (value_type IN ('STRING', 'LONG', 'DOUBLE', 'BOOLEAN', 'JSON')),
            value ANY,
            last_update_ts INTEGER NOT NULL,
            PRIMARY KEY (entity_id, scope, key)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE ts_kv (
            entity_id BLOB NOT NULL,
            key TEXT NOT NULL,
            ts INTEGER NOT NULL,
            value_type TEXT NOT NULL CHECK (value_type IN ('STRING', 'LONG', 'DOUBLE', 'BOOLEAN', 'JSON')),
            value ANY,
            PRIMARY KEY (entity_id, key, ts)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE ts_kv_latest (
            entity_id BLOB NOT NULL,
            key TEXT NOT NULL,
            ts INTEGER NOT NULL,
            value_type TEXT NOT NULL CHECK (value_type IN ('STRING', 'LONG', 'DOUBLE', 'BOOLEAN', 'JSON')),
            value ANY,
            PRIMARY KEY (entity_id, key)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE audit_log (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB,
            time INTEGER NOT NULL,
            transport TEXT NOT NULL,
            source_address TEXT NOT NULL,
            profile_id BLOB,
            profile_name TEXT,
            device_id BLOB,
            device_name TEXT,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL
        ) STRICT;
        CREATE INDEX idx_audit_log_tenant_time ON audit_log (tenant_id, time);
        CREATE INDEX idx_audit_log_time ON audit_log (time);
        """
}
