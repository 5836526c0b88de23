import Logging
import PostgresNIO

/// The PostgreSQL schema's history, applied on start. Append-only, as for SQLite: a migration that has shipped is
/// never edited; a change is a new migration named after its date (the same names as SQLite's where the change is
/// the same). Each migration is a list of single statements (PostgresNIO's extended protocol runs one at a time).
///
/// Several nodes may start at once on one database: the whole run happens in one transaction that first takes a
/// transaction-scoped advisory lock, so one node migrates while the others wait, then find nothing left to do.
package enum PostgresMigrations {
    /// One migration: its name and its statements.
    package struct Migration: Sendable {
        package let name: String
        package let statements: [String]
    }

    /// Every migration, in order.
    package static let all: [Migration] = [
        Migration(name: "2026-11-29-foundation", statements: foundation),
        Migration(name: "2026-11-29-entity-counts", statements: entityCounts),
        Migration(name: "2026-12-06-entity-counts-per-statement", statements: statementCounts),
        Migration(name: "2026-12-07-sort-indexes", statements: sortIndexes),
        Migration(name: "2026-12-08-failure-counts", statements: failureCounts),
        Migration(name: "2026-12-08-audit-node", statements: auditNode),
        Migration(name: "2026-12-08-import-jobs", statements: importJobs),
        Migration(name: "2026-12-09-audit-actions", statements: auditActions),
        Migration(name: "2026-12-09-import-rows-total", statements: importRowsTotal),
        Migration(name: "2026-12-09-device-name-trigrams", statements: deviceTrigrams),
        // Devices created through each budgeted profile's provision key (`provisionConfiguration.maxDevices`).
        Migration(
            name: "2026-12-10-provision-key-usage",
            statements: [
                "CREATE TABLE provision_key_usage (profile_id UUID NOT NULL PRIMARY KEY, devices_created BIGINT NOT NULL)"
            ]),
    ]

    /// The advisory lock key of migrations (`hashtext('muster-migrations')` would do as well; a constant is
    /// clearer in `pg_locks`).
    static let lockKey: Int64 = 0x6D75_7374_6572  // "muster"

    /// Applies the migrations that `database` lacks, under the advisory lock.
    /// - Returns: The names of the migrations applied by this call (empty when another node applied them).
    /// - Throws: ``PostgresStoreError/migrationFailed(name:message:)``; nothing of the failed run stays.
    @discardableResult
    package static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS muster_migrations (
                    name TEXT NOT NULL PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM muster_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            var ran: [String] = []
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    } catch let error as PSQLError {
                        throw PostgresStoreError.migrationFailed(
                            name: migration.name, message: error.serverInfo?[.message] ?? "\(error.code)")
                    }
                }
                try await connection.query(
                    "INSERT INTO muster_migrations (name) VALUES (\(migration.name))", logger: logger)
                ran.append(migration.name)
            }
            return ran
        }
    }
}
