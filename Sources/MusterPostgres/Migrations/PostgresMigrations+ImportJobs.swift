extension PostgresMigrations {
    /// Import jobs and the lines of their errors CSV, as on SQLite (`2026-12-08-import-jobs`): every node sharing
    /// the database lists, reads and cancels every job and serves its errors CSV, whichever node runs it. A job's
    /// counts are written in the same transaction as the rows they count; `owner_node` and `heartbeat_time` let
    /// any node find the running jobs of a node that stopped (the partial index keeps that search small).
    static let importJobs: [String] = [
        """
        CREATE TABLE import_jobs (
            id UUID NOT NULL PRIMARY KEY,
            tenant_id UUID NOT NULL,
            entity_type TEXT NOT NULL,
            dry_run BOOLEAN NOT NULL,
            status TEXT NOT NULL,
            rows_processed BIGINT NOT NULL DEFAULT 0,
            created BIGINT NOT NULL DEFAULT 0,
            updated BIGINT NOT NULL DEFAULT 0,
            errors BIGINT NOT NULL DEFAULT 0,
            bytes_processed BIGINT NOT NULL DEFAULT 0,
            bytes_total BIGINT NOT NULL DEFAULT 0,
            created_profiles TEXT NOT NULL DEFAULT '[]',
            error_lines TEXT NOT NULL DEFAULT '[]',
            failure TEXT,
            cancel_requested BOOLEAN NOT NULL DEFAULT false,
            owner_node TEXT NOT NULL,
            heartbeat_time BIGINT NOT NULL,
            start_time BIGINT NOT NULL,
            end_time BIGINT
        )
        """,
        "CREATE INDEX idx_import_jobs_tenant_start ON import_jobs (tenant_id, start_time, id)",
        "CREATE INDEX idx_import_jobs_running ON import_jobs (heartbeat_time) WHERE status = 'RUNNING'",
        """
        CREATE TABLE import_failed_rows (
            job_id UUID NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
            sequence BIGINT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (job_id, sequence)
        )
        """,
    ]
}
