import Logging
import MusterCore
import PostgresNIO

/// The PostgreSQL store: a PostgresNIO connection pool on one database, whose schema it migrates when it opens.
///
/// It opens, checks the database, migrates the schema under an advisory lock, and implements every port of
/// ``MusterStore``, each proven by the conformance suite that SQLite passes too. `muster serve --database
/// postgres://…` opens it.
///
/// While the database is unreachable, a request waits for a connection as long as the pool keeps trying (about
/// 15 s; a restart of the server within it goes unnoticed), then fails with ``StoreFailure/unavailable``, and
/// later requests fail at once until a connection succeeds again: the pool reconnects by itself.
package final class PostgresStore: Sendable {
    /// The pools of the URL's hosts and which one accepts writes.
    let primary: PostgresPrimary
    /// The pool of the host that accepts writes.
    package var client: PostgresClient { primary.client }
    package let url: PostgresDatabaseURL
    /// Where the store's queries log.
    let logger: Logger
    /// Writes concurrent ``createProvisionedDevice(_:)`` calls together, when group commit is on.
    let provisionBatcher: PostgresProvisionBatcher?
    /// The limiters' failure counts on this database, shared by every node (not a port of `MusterStore`: SQLite
    /// counts in memory).
    package let failureCounts: PostgresFailureCountStore
    /// How long the statement helpers wait for one operation (``withDeadline(_:onTimeout:_:)``): the statement
    /// timeout and 5 s more, so that only a statement PostgresNIO left unanswered reaches it.
    let operationLimit: Duration?
    private let runner: Task<Void, Never>

    private init(
        primary: PostgresPrimary, url: PostgresDatabaseURL, groupCommitLimit: Int, operationLimit: Duration?,
        logger: Logger, metrics: MusterMetrics
    ) {
        self.primary = primary
        self.url = url
        self.logger = logger
        self.operationLimit = operationLimit
        failureCounts = PostgresFailureCountStore(primary: primary, logger: logger)
        provisionBatcher =
            groupCommitLimit > 1
            ? PostgresProvisionBatcher(
                primary: primary, logger: logger, maximumBatchSize: groupCommitLimit, metrics: metrics) : nil
        runner = Task { await primary.run() }
    }

    /// Connects to `url`, checks that the database answers within `timeout`, and migrates its schema.
    /// - Parameter groupCommitLimit: The most concurrent provisionings written together (group commit); 1 writes
    ///   each in its own transaction.
    /// - Throws: ``PostgresStoreError/unreachable(url:reason:)`` when it does not answer (the URL redacted),
    ///   ``PostgresStoreError/migrationFailed(name:message:)``; the pool is shut down on either.
    package static func open(
        _ url: PostgresDatabaseURL, options: PostgresStoreOptions = .init(), timeout: Duration = .seconds(10),
        groupCommitLimit: Int = 64, logger: Logger, metrics: MusterMetrics = .off
    ) async throws -> PostgresStore {
        let store = PostgresStore(
            primary: try PostgresPrimary(url: url, options: options, logger: logger), url: url, groupCommitLimit: groupCommitLimit,
            operationLimit: options.statementTimeout.map { $0 + .seconds(5) }, logger: logger, metrics: metrics)
        do {
            try await store.primary.locate(timeout: timeout)
            try await store.check(options: options, timeout: timeout, logger: logger)
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

    deinit {
        runner.cancel()
    }

    /// Opens one connection of its own and runs `SELECT 1` within `timeout`, so that a database that refuses the
    /// connection or the login is reported with the server's or the network's reason at once.
    private func check(options: PostgresStoreOptions, timeout: Duration, logger: Logger) async throws {
        let configuration = try url.connectionConfiguration(options, endpoint: primary.current)
        let redacted = url.redacted
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                let connection: PostgresConnection
                do {
                    connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                } catch let error as PSQLError {
                    throw PostgresStoreError.unreachable(url: redacted, reason: Self.reason(error))
                }
                do {
                    try await connection.query("SELECT 1", logger: logger)
                } catch let error as PSQLError {
                    try? await connection.close()
                    throw PostgresStoreError.unreachable(url: redacted, reason: Self.reason(error))
                }
                try await connection.close()
                return true
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

    /// What the server said (its message), else what the network said (connection refused, a TLS failure).
    private static func reason(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}
