extension PostgresMigrations {
    /// `failure_counts`: the provisioning and login limiters' counts, shared by every node (``PostgresFailureCountStore``).
    /// One row per counted name, keyed by `(scope, name)`; `expires_at` (the later of the window's end and the
    /// cooling-off's) lets expired rows be deleted through an index. The rule a row is counted by (`failure_limit`,
    /// `window_ms`, `cooling_off_ms`) is kept in the row so that one multi-row upsert can count names of different
    /// rules, and `previous_blocked_until` keeps `blocked_until` as it was before the last failure, because an
    /// upsert's `RETURNING` sees only the new row (PostgreSQL 15 has no `OLD` there): the failure started a
    /// cooling-off when the count reached the limit while `previous_blocked_until` had passed.
    static let failureCounts: [String] = [
        """
        CREATE TABLE failure_counts (
            scope TEXT NOT NULL,
            name TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            failures BIGINT NOT NULL,
            blocked_until BIGINT NOT NULL,
            previous_blocked_until BIGINT NOT NULL,
            failure_limit BIGINT NOT NULL,
            window_ms BIGINT NOT NULL,
            cooling_off_ms BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (scope, name)
        )
        """,
        "CREATE INDEX idx_failure_counts_expires_at ON failure_counts (expires_at)",
    ]

    /// `audit_log.node`: the node that served the attempt (`node.name`); `NULL` for entries written before.
    static let auditNode: [String] = [
        "ALTER TABLE audit_log ADD COLUMN node TEXT"
    ]
}
