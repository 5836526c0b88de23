extension PostgresMigrations {
    /// Indexes that serve every page order of the console's device and asset lists, so that a page at 1,000,000
    /// devices reads its rows from an index instead of sorting the tenant's table: type and label in the `"C"`
    /// collation the page queries order them by (code point order, as SQLite), the label with its NULLs first
    /// (ascending pages show devices without a label first, as SQLite), and the id last (the order's tiebreak).
    /// The earlier type and label indexes, in the database's default collation, could serve none of them.
    static let sortIndexes: [String] = [
        "DROP INDEX idx_device_type",
        "DROP INDEX idx_device_label",
        #"CREATE INDEX idx_device_type ON devices (tenant_id, type COLLATE "C", id)"#,
        #"CREATE INDEX idx_device_label ON devices (tenant_id, label COLLATE "C" NULLS FIRST, id)"#,
        "DROP INDEX idx_asset_created_time",
        "DROP INDEX idx_asset_search_text",
        "CREATE INDEX idx_asset_created_time ON assets (tenant_id, created_time, id)",
        "CREATE INDEX idx_asset_search_text ON assets (tenant_id, search_text, id)",
        #"CREATE INDEX idx_asset_type ON assets (tenant_id, type COLLATE "C", id)"#,
        #"CREATE INDEX idx_asset_label ON assets (tenant_id, label COLLATE "C" NULLS FIRST, id)"#,
    ]
}
