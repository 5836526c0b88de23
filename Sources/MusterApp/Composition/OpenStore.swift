import Logging
import MusterCore
import MusterPostgres
import MusterSQLite

/// The store the configuration names, open and migrated, seen through the core's ports only, with what a node
/// needs to share it with other nodes.
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
    /// The node's ``ClusterEventBus`` over `dispatcher`: PostgreSQL's `NOTIFY`/`LISTEN` (whose listening loop is
    /// ``ClusterEvents/listen``, named `nodeName` in `application_name`), or the in-process bus of SQLite.
    package let events: @Sendable (_ dispatcher: ClusterEventDispatcher, _ nodeName: String?) throws -> ClusterEvents
    /// Sends events to the running nodes from a process that is not one (`muster rotate-jwt-key`); nothing on
    /// SQLite, whose one server reads its key at start.
    package let announce: @Sendable (_ events: [ClusterEvent]) async throws -> Void
    fileprivate let startupLock: @Sendable (_ body: () async throws -> Void) async throws -> Void

    /// Runs `body` while no other node runs its own: PostgreSQL's session advisory lock, so that nodes starting at
    /// once on an empty database create one tenant, one admin and one signing key. SQLite runs it directly (one
    /// process owns the file).
    package func withStartupLock<T>(_ body: () async throws -> T) async throws -> T {
        var result: T?
        try await startupLock { result = try await body() }
        guard let result else { preconditionFailure("the start-up lock returned without running its body") }
        return result
    }
}

/// A node's bus and, with several nodes, the loop that receives the others' events.
package struct ClusterEvents: Sendable {
    package let bus: any ClusterEventBus
    /// The listening loop to run as a service until shutdown; `nil` on SQLite.
    package let listen: (@Sendable () async -> Void)?
    /// Whether the node hears the other nodes now (listening and resynchronized); always on SQLite. For a health
    /// report: while it is false, the node reads profiles from the store and misses pushes from other nodes.
    package let isSynchronized: @Sendable () -> Bool
}

/// Opens the store `configuration.database` names, migrating its schema: the one place outside the store targets
/// that knows their types.
/// - Throws: the store's own errors: an unusable data directory, an invalid database URL, an unreachable database
///   (with the reason), a failed migration.
/// - Parameter metrics: Where the store's group commits are counted and timed.
package func openStore(
    _ configuration: MusterConfiguration, logger: Logger, metrics: MusterMetrics = .off
) async throws -> OpenedStore {
    switch configuration.database {
    case .sqlite:
        var sqlite = SQLiteStore.Configuration()
        sqlite.metrics = metrics
        let store = try SQLiteStore.open(directory: configuration.dataDirectory, configuration: sqlite, logger: logger)
        return OpenedStore(
            store: store, failureCounts: nil, close: { try store.close() }, summary: "SQLite in \(configuration.dataDirectory)",
            events: { dispatcher, _ in
                ClusterEvents(bus: InProcessClusterEventBus(dispatcher: dispatcher), listen: nil, isSynchronized: { true })
            },
            announce: { _ in }, startupLock: { body in try await body() })
    case .postgres(let settings):
        let url = try PostgresDatabaseURL(settings.url)
        let options = PostgresStoreOptions(
            poolSize: settings.poolSize,
            statementTimeout: settings.statementTimeoutSeconds == 0 ? nil : .seconds(settings.statementTimeoutSeconds),
            connectTimeout: .seconds(settings.connectTimeoutSeconds))
        let store = try await PostgresStore.open(
            url, options: options, timeout: .seconds(settings.connectTimeoutSeconds), logger: logger, metrics: metrics)
        return OpenedStore(
            store: store, failureCounts: store.failureCounts, close: { store.close() }, summary: "PostgreSQL at \(url.redacted)",
            events: { dispatcher, nodeName in
                let bus = try PostgresClusterEventBus(
                    store: store, options: options, nodeName: nodeName, dispatcher: dispatcher, logger: logger)
                return ClusterEvents(bus: bus, listen: { await bus.run() }, isSynchronized: { bus.isSynchronized })
            },
            announce: { events in try await PostgresClusterEventBus.announce(events, store: store) },
            startupLock: { body in try await store.withStartupLock(options: options, body) })
    }
}
