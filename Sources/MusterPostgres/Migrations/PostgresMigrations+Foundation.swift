extension PostgresMigrations {
    /// The logical schema of SQLite's foundation migration, with the same table, column and constraint names, so
    /// that a unique violation maps to the same core error on both stores.
    ///
    /// - Ids are `uuid` (time-ordered, as on SQLite). Every tenant-owned entity table carries `tenant_id` in its
    ///   primary key, so that distributing the database by tenant (Citus) stays possible; a device's credentials
    ///   and a device's or asset's profile are referenced with their tenant.
    /// - Typed values (`attributes`, `ts_kv`, `ts_kv_latest`) are a `value_type` tag and one column per type, as
    ///   in ThingsBoard's own schema (`bool_v`, `str_v`, `long_v`, `dbl_v`, `json_v`); a CHECK keeps exactly the
    ///   tagged column set.
    /// - `search_text` holds the Swift-lowercased name, compared with `COLLATE "C"` so that a prefix search is
    ///   an index range scan whatever the database's locale.
    static let foundation: [String] = [
        """
        CREATE TABLE settings (
            name TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE tenants (
            id UUID NOT NULL PRIMARY KEY,
            title TEXT NOT NULL,
            search_text TEXT COLLATE "C" NOT NULL,
            created_time BIGINT NOT NULL
        )
        """,
        "CREATE INDEX idx_tenant_created_time ON tenants (created_time)",
        "CREATE INDEX idx_tenant_search_text ON tenants (search_text)",
        """
        CREATE TABLE users (
            id UUID NOT NULL PRIMARY KEY,
            tenant_id UUID,
            email TEXT NOT NULL,
            authority TEXT NOT NULL,
            first_name TEXT,
            last_name TEXT,
            created_time BIGINT NOT NULL,
            password_hash TEXT NOT NULL
        )
        """,
        // SQLite's `COLLATE NOCASE` unique email, as a unique index on the folded address.
        "CREATE UNIQUE INDEX user_email_unq_key ON users (lower(email))",
        """
        CREATE TABLE device_profiles (
            tenant_id UUID NOT NULL,
            id UUID NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT COLLATE "C" NOT NULL,
            description TEXT,
            is_default BOOLEAN NOT NULL DEFAULT false,
            transport_type TEXT NOT NULL,
            provision_type TEXT NOT NULL,
            provision_device_key TEXT,
            provision_configuration TEXT NOT NULL,
            profile_data TEXT NOT NULL,
            created_time BIGINT NOT NULL,
            version BIGINT NOT NULL,
            CONSTRAINT device_profiles_pkey PRIMARY KEY (tenant_id, id),
            CONSTRAINT device_profile_id_unq_key UNIQUE (id),
            CONSTRAINT device_profile_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT device_provision_key_unq_key UNIQUE (provision_device_key)
        )
        """,
        "CREATE UNIQUE INDEX device_profile_default_unq_key ON device_profiles (tenant_id) WHERE is_default",
        "CREATE INDEX idx_device_profile_created_time ON device_profiles (tenant_id, created_time)",
        "CREATE INDEX idx_device_profile_search_text ON device_profiles (tenant_id, search_text)",
        """
        CREATE TABLE asset_profiles (
            tenant_id UUID NOT NULL,
            id UUID NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT COLLATE "C" NOT NULL,
            description TEXT,
            is_default BOOLEAN NOT NULL DEFAULT false,
            created_time BIGINT NOT NULL,
            version BIGINT NOT NULL,
            CONSTRAINT asset_profiles_pkey PRIMARY KEY (tenant_id, id),
            CONSTRAINT asset_profile_id_unq_key UNIQUE (id),
            CONSTRAINT asset_profile_name_unq_key UNIQUE (tenant_id, name)
        )
        """,
        "CREATE UNIQUE INDEX asset_profile_default_unq_key ON asset_profiles (tenant_id) WHERE is_default",
        "CREATE INDEX idx_asset_profile_created_time ON asset_profiles (tenant_id, created_time)",
        "CREATE INDEX idx_asset_profile_search_text ON asset_profiles (tenant_id, search_text)",
        """
        CREATE TABLE devices (
            tenant_id UUID NOT NULL,
            id UUID NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT COLLATE "C" NOT NULL,
            type TEXT NOT NULL,
            device_profile_id UUID NOT NULL,
            label TEXT,
            additional_info TEXT,
            created_time BIGINT NOT NULL,
            version BIGINT NOT NULL,
            CONSTRAINT devices_pkey PRIMARY KEY (tenant_id, id),
            CONSTRAINT device_id_unq_key UNIQUE (id),
            CONSTRAINT device_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT fk_device_profile FOREIGN KEY (tenant_id, device_profile_id)
                REFERENCES device_profiles (tenant_id, id) ON DELETE RESTRICT
        )
        """,
        "CREATE INDEX idx_device_created_time ON devices (tenant_id, created_time, id) INCLUDE (search_text)",
        "CREATE INDEX idx_device_profile_id_created_time ON devices (tenant_id, device_profile_id, created_time)",
        "CREATE INDEX idx_device_search_text ON devices (tenant_id, search_text, id) INCLUDE (created_time)",
        "CREATE INDEX idx_device_type ON devices (tenant_id, type)",
        "CREATE INDEX idx_device_label ON devices (tenant_id, label)",
        """
        CREATE TABLE assets (
            tenant_id UUID NOT NULL,
            id UUID NOT NULL,
            name TEXT NOT NULL,
            search_text TEXT COLLATE "C" NOT NULL,
            type TEXT NOT NULL,
            asset_profile_id UUID NOT NULL,
            label TEXT,
            additional_info TEXT,
            created_time BIGINT NOT NULL,
            version BIGINT NOT NULL,
            CONSTRAINT assets_pkey PRIMARY KEY (tenant_id, id),
            CONSTRAINT asset_id_unq_key UNIQUE (id),
            CONSTRAINT asset_name_unq_key UNIQUE (tenant_id, name),
            CONSTRAINT fk_asset_profile FOREIGN KEY (tenant_id, asset_profile_id)
                REFERENCES asset_profiles (tenant_id, id) ON DELETE RESTRICT
        )
        """,
        "CREATE INDEX idx_asset_created_time ON assets (tenant_id, created_time)",
        "CREATE INDEX idx_asset_profile_id_created_time ON assets (tenant_id, asset_profile_id, created_time)",
        "CREATE INDEX idx_asset_search_text ON assets (tenant_id, search_text)",
        """
        CREATE TABLE device_credentials (
            tenant_id UUID NOT NULL,
            id UUID NOT NULL,
            device_id UUID NOT NULL,
            created_time BIGINT NOT NULL,
            credentials_type TEXT NOT NULL,
            credentials_id TEXT NOT NULL,
            credentials_value TEXT,
            version BIGINT NOT NULL,
            CONSTRAINT device_credentials_pkey PRIMARY KEY (tenant_id, id),
            CONSTRAINT device_credentials_device_id_unq_key UNIQUE (device_id),
            CONSTRAINT device_credentials_id_unq_key UNIQUE (credentials_id),
            CONSTRAINT fk_device_credentials_device FOREIGN KEY (tenant_id, device_id)
                REFERENCES devices (tenant_id, id) ON DELETE CASCADE
        )
        """,
    ] + keyValueTables + [
        """
        CREATE TABLE audit_log (
            id UUID NOT NULL PRIMARY KEY,
            tenant_id UUID,
            time BIGINT NOT NULL,
            transport TEXT NOT NULL,
            source_address TEXT NOT NULL,
            profile_id UUID,
            profile_name TEXT,
            device_id UUID,
            device_name TEXT,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL
        )
        """,
        "CREATE INDEX idx_audit_log_tenant_time ON audit_log (tenant_id, time)",
        "CREATE INDEX idx_audit_log_time ON audit_log (time)",
    ]

    /// `attributes`, `ts_kv` and `ts_kv_latest`: keyed by the entity's id (globally unique), one column per type.
    private static let keyValueTables: [String] = {
        let typed = """
            value_type TEXT NOT NULL CHECK (value_type IN ('STRING', 'LONG', 'DOUBLE', 'BOOLEAN', 'JSON')),
            bool_v BOOLEAN,
            str_v TEXT,
            long_v BIGINT,
            dbl_v DOUBLE PRECISION,
            json_v TEXT,
            CHECK (num_nonnulls(bool_v, str_v, long_v, dbl_v, json_v) = 1),
            CHECK ((value_type = 'BOOLEAN') = (bool_v IS NOT NULL)),
            CHECK ((value_type = 'STRING') = (str_v IS NOT NULL)),
            CHECK ((value_type = 'LONG') = (long_v IS NOT NULL)),
            CHECK ((value_type = 'DOUBLE') = (dbl_v IS NOT NULL)),
            CHECK ((value_type = 'JSON') = (json_v IS NOT NULL))
            """
        return [
            """
            CREATE TABLE attributes (
                entity_id UUID NOT NULL,
                scope SMALLINT NOT NULL,
                key TEXT NOT NULL,
                \(typed),
                last_update_ts BIGINT NOT NULL,
                PRIMARY KEY (entity_id, scope, key)
            )
            """,
            """
            CREATE TABLE ts_kv (
                entity_id UUID NOT NULL,
                key TEXT NOT NULL,
                ts BIGINT NOT NULL,
                \(typed),
                PRIMARY KEY (entity_id, key, ts)
            )
            """,
            """
            CREATE TABLE ts_kv_latest (
                entity_id UUID NOT NULL,
                key TEXT NOT NULL,
                ts BIGINT NOT NULL,
                \(typed),
                PRIMARY KEY (entity_id, key)
            )
            """,
        ]
    }()
}
