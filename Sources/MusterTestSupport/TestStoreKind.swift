import Foundation
import Logging
import MusterApp
import MusterCore
import MusterPostgres

/// The stores a test can run on: a fresh SQLite file, or a fresh database on the test PostgreSQL server
/// (``PostgresTestCluster``). Tests that say nothing run on ``fromEnvironment``: `MUSTER_TEST_STORE=postgres`
/// runs them on PostgreSQL.
package enum TestStoreKind: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    /// `MUSTER_TEST_STORE` (`sqlite` or `postgres`), SQLite when it is unset.
    package static var fromEnvironment: TestStoreKind {
        ProcessInfo.processInfo.environment["MUSTER_TEST_STORE"].flatMap(TestStoreKind.init(rawValue:)) ?? .sqlite
    }

    /// The configuration that names a new, empty store of this kind (SQLite in `directory`).
    package func configuration(directory: String) async throws -> MusterConfiguration {
        switch self {
        case .sqlite:
            return MusterConfiguration(dataDirectory: directory)
        case .postgres:
            let url = try await PostgresTestCluster.makeDatabase()
            return MusterConfiguration(dataDirectory: directory, database: .postgres(.init(url: url.text, poolSize: Self.poolSize, connectTimeoutSeconds: Self.connectTimeoutSeconds)))
        }
    }

    /// The `database.url` setting of a new, empty store of this kind (none for SQLite).
    package func settings() async throws -> [String: String] {
        guard case .postgres = self else { return [:] }
        return ["database.url": try await PostgresTestCluster.makeDatabase().text, "database.poolSize": "\(Self.poolSize)",
            "database.connectTimeout": "\(Self.connectTimeoutSeconds)",
        ]
    }

    /// Connections per store in tests: many servers and stores run at once on one test cluster, whose
    /// `max_connections` they must not exhaust (a pool waits for a connection the server refuses).
    private static let poolSize = 4

    /// Seconds a test store's first connection may take: CI runs hundreds of tests at once on two cores, and a
    /// connection that waits behind them for more than the production default of 10 s is load, not a failure.
    package static let connectTimeoutSeconds = 60

    /// Runs `body` with a new, empty store of this kind, opened by the composition root's `openStore` exactly as
    /// the server opens it, closed (and its directory removed) afterwards.
    package func withStore(_ body: (any MusterStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let opened = try await open(directory: directory.path, logger: Logger(label: "store-\(rawValue)"))
        defer { try? opened.close() }
        try await body(opened.store)
    }

    /// Opens a new, empty store of this kind (SQLite in `directory`), through the composition root's `openStore`.
    package func open(directory: String, logger: Logger) async throws -> OpenedStore {
        try await openStore(try await configuration(directory: directory), logger: logger)
    }
}

extension CoreFixture {
    /// The core services over a new, empty store of `kind` (`MUSTER_TEST_STORE`, SQLite by default).
    /// - Parameter failureLimit: The rate limiter's failures per source (0 = off).
    package static func make(failureLimit: Int = 0, kind: TestStoreKind = .fromEnvironment) async throws -> CoreFixture {
        let directory = try TemporaryDirectory()
        let opened = try await kind.open(directory: directory.path, logger: Logger(label: "test"))
        return try await make(store: opened.store, directory: directory, failureLimit: failureLimit)
    }
}
