import Logging
import PostgresNIO

/// The PostgreSQL store: a PostgresNIO connection pool on one database, whose schema it migrates when it opens.
///
/// Work in progress (issue 12): the store opens, checks the database, migrates the schema under an advisory lock,
/// and implements every port of ``MusterStore``, each proven by the conformance suite that SQLite passes too. The
/// server does not offer `--database postgres://…` yet.
package final class PostgresStore: Sendable {
    package let client: PostgresClient
    package let url: PostgresDatabaseURL
    /// Where the store's queries log.
    let logger: Logger
    /// Writes concurrent ``createProvisionedDevice(_:)`` calls together, when group commit is on.
    let provisionBatcher: PostgresProvisionBatcher?
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, url: PostgresDatabaseURL, groupCommitLimit: Int, logger: Logger) {
        self.client = client
        self.url = url
        self.logger = logger
        provisionBatcher =
            groupCommitLimit > 1
            ? PostgresProvisionBatcher(client: client, logger: logger, maximumBatchSize: groupCommitLimit) : nil
        runner = Task { await client.run() }
    }

    /// Connects to `url`, checks that the database answers within `timeout`, and migrates its schema.
    /// - Parameter groupCommitLimit: The most concurrent provisionings written together (group commit); 1 writes
    ///   each in its own transaction.
    /// - Throws: ``PostgresStoreError/unreachable(url:reason:)`` when it does not answer (the URL redacted),
    ///   ``PostgresStoreError/migrationFailed(name:message:)``; the pool is shut down on either.
    package static func open(
        _ url: PostgresDatabaseURL, timeout: Duration = .seconds(10), groupCommitLimit: Int = 64, logger: Logger
    ) async throws -> PostgresStore {
        let store = PostgresStore(
            client: PostgresClient(configuration: try url.clientConfiguration(), backgroundLogger: logger), url: url,
            groupCommitLimit: groupCommitLimit, logger: logger)
        do {
            try await store.check(timeout: timeout, logger: logger)
            let applied = try await PostgresMigrations.migrate(store.client, logger: logger)
            logger.info(
                "postgres store open", metadata: ["url": "\(url.redacted)", "migrationsApplied": "\(applied)"])
            return store
        } catch {
            store.close()
            throw error
        }
    }

    /// Stops the pool's connections.
    package func close() {
        runner.cancel()
    }

    /// `SELECT 1` within `timeout`.
    private func check(timeout: Duration, logger: Logger) async throws {
        let client = self.client
        let redacted = url.redacted
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await client.query("SELECT 1", logger: logger)
                    return true
                } catch let error as PSQLError {
                    let reason = error.serverInfo?[.message] ?? "\(error.code)"
                    throw PostgresStoreError.unreachable(url: redacted, reason: reason)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let answered = try await group.next() ?? false
            group.cancelAll()
            guard answered else {
                throw PostgresStoreError.unreachable(url: redacted, reason: "no answer within \(timeout)")
            }
        }
    }
}
