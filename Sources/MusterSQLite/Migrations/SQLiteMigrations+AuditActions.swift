extension SQLiteMigrations {
    /// Admin actions in the audit log: what was done (`action`; entries written before get the action their outcome
    /// implies), by whom (`actor`, an e-mail; a login's account for the earlier login entries) and what changed
    /// (`details`). The index serves the audit page's action filter within a tenant.
    static let auditActions = """
        ALTER TABLE audit_log ADD COLUMN action TEXT NOT NULL DEFAULT 'PROVISION';
        ALTER TABLE audit_log ADD COLUMN actor TEXT;
        ALTER TABLE audit_log ADD COLUMN details TEXT;
        UPDATE audit_log SET action = 'DEVICE_SESSION_CLOSED' WHERE outcome = 'SESSION_CLOSED';
        UPDATE audit_log SET action = 'LOGIN', actor = device_name
            WHERE outcome IN ('LOGIN_FAILED', 'LOGIN_REFUSED', 'LOCKED_OUT');
        CREATE INDEX idx_audit_log_tenant_action_time ON audit_log (tenant_id, action, time);
        """
}
