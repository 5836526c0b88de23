extension PostgresMigrations {
    /// `entity_counts` on inserts and deletes kept by statement-level triggers over transition tables: one grouped
    /// upsert per statement instead of one per row. A 10,000-device import batch spent about 0.6 s of its 0.8 s
    /// insert in the row-level trigger (62 µs per device, measured on PostgreSQL 15), and a group-commit batch of
    /// provisionings pays it once. Still in the same transaction as the write. Moving a device or asset to another
    /// profile keeps the row-level trigger of `2026-11-29-entity-counts`, which fires only for rows whose profile
    /// changes (a statement-level update trigger would capture every row of every update, such as a profile
    /// rename's).
    ///
    /// The counters are upserted in key order, so that two concurrent statements lock them in the same order.
    static let statementCounts: [String] =
        statementCountTriggers(table: "devices", kind: 1, profileColumn: "device_profile_id")
        + statementCountTriggers(table: "assets", kind: 2, profileColumn: "asset_profile_id")

    private static func statementCountTriggers(table: String, kind: Int, profileColumn: String) -> [String] {
        let change = { (name: String, rows: String, sign: String) in
            [
                """
                CREATE FUNCTION \(table)_count_\(name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO entity_counts (tenant_id, entity_kind, profile_id, count)
                    SELECT tenant_id, \(kind)::smallint, \(profileColumn), \(sign)count(*) FROM \(rows)
                    GROUP BY tenant_id, \(profileColumn)
                    ORDER BY tenant_id, \(profileColumn)
                    ON CONFLICT (tenant_id, entity_kind, profile_id)
                        DO UPDATE SET count = entity_counts.count + excluded.count;
                    RETURN NULL;
                END
                $$
                """,
            ]
        }
        return ["DROP TRIGGER \(table)_count_insert_delete ON \(table)"]
            + change("inserted", "inserted_rows", "")
            + change("deleted", "deleted_rows", "-")
            + [
                """
                CREATE TRIGGER \(table)_count_insert AFTER INSERT ON \(table)
                    REFERENCING NEW TABLE AS inserted_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION \(table)_count_inserted()
                """,
                """
                CREATE TRIGGER \(table)_count_delete AFTER DELETE ON \(table)
                    REFERENCING OLD TABLE AS deleted_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION \(table)_count_deleted()
                """,
            ]
    }
}
