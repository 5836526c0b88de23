extension PostgresMigrations {
    /// Substring search of device names (`textSearchMode=CONTAINS`), as SQLite's migration of the same name: a
    /// trigram index (`pg_trgm`, a trusted extension: the database's owner may create it) that `search_text LIKE
    /// '%text%'` uses for text of 3 characters or more.
    static let deviceTrigrams: [String] = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX idx_device_search_trgm ON devices USING gin (search_text gin_trgm_ops)",
    ]
}
