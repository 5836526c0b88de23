extension SQLiteMigrations {
    /// Import jobs and the lines of their errors CSV, kept in the database so that every node sharing it (on
    /// PostgreSQL; the same schema here) reads, cancels and serves them. A job's counts are written in the same
    /// transaction as the rows they count; `owner_node` and `heartbeat_time` let any node find the running jobs of
    /// a node that stopped. `error_lines` and `created_profiles` are JSON arrays of strings.
    static let importJobs = """
        CREATE TABLE import_jobs (
            id BLOB NOT NULL PRIMARY KEY,
            tenant_id BLOB NOT NULL,
            entity_type TEXT NOT NULL,
            dry_run INTEGER NOT NULL,
            status TEXT NOT NULL,
            rows_processed INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            bytes_processed INTEGER NOT NULL DEFAULT 0,
            bytes_total INTEGER NOT NULL DEFAULT 0,
            created_profiles TEXT NOT NULL DEFAULT '[]',
            error_lines TEXT NOT NULL DEFAULT '[]',
            failure TEXT,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            owner_node TEXT NOT NULL,
            heartbeat_time INTEGER NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX idx_import_jobs_tenant_start ON import_jobs (tenant_id, start_time, id);
        CREATE INDEX idx_import_jobs_running ON import_jobs (heartbeat_time) WHERE status = 'RUNNING';

        CREATE TABLE import_failed_rows (
            job_id BLOB NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
            sequence INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (job_id, sequence)
        ) STRICT, WITHOUT ROWID;
        """
}
