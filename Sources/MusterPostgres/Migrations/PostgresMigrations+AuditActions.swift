extension PostgresMigrations {
    /// Admin actions in the audit log, as SQLite's migration of the same name: `action` (earlier entries get the
    /// action their outcome implies), `actor`, `details`, and the index of the action filter within a tenant.
    static let auditActions: [String] = [
        "ALTER TABLE audit_log ADD COLUMN action text NOT NULL DEFAULT 'PROVISION'",
        "ALTER TABLE audit_log ADD COLUMN actor text",
        "ALTER TABLE audit_log ADD COLUMN details text",
        "UPDATE audit_log SET action = 'DEVICE_SESSION_CLOSED' WHERE outcome = 'SESSION_CLOSED'",
        """
        UPDATE audit_log SET action = 'LOGIN', actor = device_name
            WHERE outcome IN ('LOGIN_FAILED', 'LOGIN_REFUSED', 'LOCKED_OUT')
        """,
        "CREATE INDEX idx_audit_log_tenant_action_time ON audit_log (tenant_id, action, time)",
    ]

    /// `import_jobs.rows_total`: the data rows of a job's file, known after its check pass (as SQLite's migration).
    static let importRowsTotal: [String] = [
        "ALTER TABLE import_jobs ADD COLUMN rows_total bigint"
    ]
}
