import Logging
import MusterCore
import MusterPostgres
import MusterSQLite

/// The store the configuration names, open and migrated, seen through the core's ports only.
package struct OpenedStore: Sendable {
    package let store: any MusterStore
    /// The limiters' failure counts shared by every node on the database (PostgreSQL), or `nil` to count in this
    /// process (SQLite: one process).
    package let failureCounts: (any FailureCountStore)?
    /// Closes the store (SQLite's file, PostgreSQL's pool).
    package let close: @Sendable () throws -> Void
    /// What it is, for the start-up line: `SQLite in ./muster-data`, `PostgreSQL at postgres://user@host:5432/db`
    /// (never the password).
    package let summary: String
}

/// Opens the store `configuration.database` names, migrating its schema: the one place outside the store targets
/// that knows their types.
/// - Throws: the store's own errors: an unusable data directory, an invalid database URL, an unreachable database
///   (with the reason), a failed migration.
package func openStore(_ configuration: MusterConfiguration, logger: Logger) async throws -> OpenedStore {
    switch configuration.database {
    case .sqlite:
        let store = try SQLiteStore.open(directory: configuration.dataDirectory, logger: logger)
        return OpenedStore(
            store: store, failureCounts: nil, close: { try store.close() },
            summary: "SQLite in \(configuration.dataDirectory)")
    case .postgres(let settings):
        let url = try PostgresDatabaseURL(settings.url)
        let options = PostgresStoreOptions(
            poolSize: settings.poolSize,
            statementTimeout: settings.statementTimeoutSeconds == 0 ? nil : .seconds(settings.statementTimeoutSeconds),
            connectTimeout: .seconds(settings.connectTimeoutSeconds))
        let store = try await PostgresStore.open(
            url, options: options, timeout: .seconds(settings.connectTimeoutSeconds), logger: logger)
        return OpenedStore(
            store: store, failureCounts: store.failureCounts, close: { store.close() },
            summary: "PostgreSQL at \(url.redacted)")
    }
}
