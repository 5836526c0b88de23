extension PostgresMigrations {
    /// Per tenant, kind and profile, how many devices (kind 1) and assets (kind 2) exist, kept by triggers in the
    /// same transaction as every insert, delete and profile change, as on SQLite: a page's `totalElements` is a
    /// lookup, not a COUNT over millions of rows.
    static let entityCounts: [String] = [
        """
        CREATE TABLE entity_counts (
            tenant_id UUID NOT NULL,
            entity_kind SMALLINT NOT NULL,
            profile_id UUID NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, entity_kind, profile_id)
        )
        """,
        """
        INSERT INTO entity_counts
            SELECT tenant_id, 1, device_profile_id, COUNT(*) FROM devices GROUP BY tenant_id, device_profile_id
        """,
        """
        INSERT INTO entity_counts
            SELECT tenant_id, 2, asset_profile_id, COUNT(*) FROM assets GROUP BY tenant_id, asset_profile_id
        """,
        """
        CREATE FUNCTION muster_count_entity(tenant UUID, kind SMALLINT, profile UUID, delta BIGINT) RETURNS void
        LANGUAGE sql AS $$
            INSERT INTO entity_counts (tenant_id, entity_kind, profile_id, count) VALUES (tenant, kind, profile, delta)
            ON CONFLICT (tenant_id, entity_kind, profile_id) DO UPDATE SET count = entity_counts.count + delta
        $$
        """,
    ] + countTriggers(table: "devices", kind: 1, profileColumn: "device_profile_id")
        + countTriggers(table: "assets", kind: 2, profileColumn: "asset_profile_id")

    private static func countTriggers(table: String, kind: Int, profileColumn: String) -> [String] {
        [
            """
            CREATE FUNCTION \(table)_count() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('DELETE', 'UPDATE') THEN
                    PERFORM muster_count_entity(OLD.tenant_id, \(kind)::smallint, OLD.\(profileColumn), -1);
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    PERFORM muster_count_entity(NEW.tenant_id, \(kind)::smallint, NEW.\(profileColumn), 1);
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER \(table)_count_insert_delete AFTER INSERT OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION \(table)_count()
            """,
            """
            CREATE TRIGGER \(table)_count_move AFTER UPDATE OF \(profileColumn) ON \(table)
                FOR EACH ROW WHEN (OLD.\(profileColumn) IS DISTINCT FROM NEW.\(profileColumn))
                EXECUTE FUNCTION \(table)_count()
            """,
        ]
    }
}
