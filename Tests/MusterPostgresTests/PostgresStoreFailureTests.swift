import Foundation
import Logging
import MusterCore
import MusterPostgres
import MusterTestSupport
import PostgresNIO
import Testing

/// PostgreSQL's errors as the core's ``StoreFailure``, produced by a real server: a lock that is not available is
/// `busy`, a connection the server ended is `io`, a constraint violation is a bug (`nil`); inside a transaction the
/// wrapped error reports the same.
@Suite struct PostgresStoreFailureTests {
    let logger = Logger(label: "postgres-failure-test")

    private func failure(_ body: () async throws -> Void) async -> (any Error)? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test func aLockNotAvailableIsBusyAlsoInsideATransaction() async throws {
        let store = try await PostgresStore.open(try await PostgresTestCluster.makeDatabase(), timeout: .seconds(60), logger: logger)
        defer { store.close() }
        let logger = self.logger
        try await store.client.query("INSERT INTO settings (name, value) VALUES ('k', 'v')", logger: logger)
        try await store.client.withTransaction(logger: logger) { holder -> Void in
            for try await _ in try await holder.query("SELECT value FROM settings WHERE name = 'k' FOR UPDATE", logger: logger) {}
            let plain = await failure {
                // A query's error may come after its row description: read the rows.
                for try await _ in try await store.client.query("SELECT value FROM settings FOR UPDATE NOWAIT", logger: logger) {}
            }
            let reporting = try #require(plain as? any StoreFailureReporting, "\(String(reflecting: plain))")
            #expect(reporting.storeFailure == .busy)
            #expect(reporting.storeDiagnostic.hasPrefix("PostgreSQL error 55P03:"))
            let wrapped = await failure {
                try await store.client.withTransaction(logger: logger) { connection -> Void in
                    for try await _ in try await connection.query("SELECT value FROM settings FOR UPDATE NOWAIT", logger: logger) {}
                }
            }
            #expect(wrapped is PostgresTransactionError)
            #expect((wrapped as? any StoreFailureReporting)?.storeFailure == .busy)
        }
    }

    /// A connection of its own (not the pool's), to end without disturbing other queries.
    private func connect(_ url: PostgresDatabaseURL) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.username, password: url.password,
                database: url.database, tls: .disable),
            id: 1, logger: logger)
    }

    @Test func aConnectionTheServerEndsIsUnavailable() async throws {
        let connection = try await connect(try await PostgresTestCluster.makeDatabase())
        // The server ends the backend running this very statement: the statement fails with 57P01.
        let error = await failure {
            for try await _ in try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger) {}
        }
        let reporting = try #require(error as? any StoreFailureReporting, "\(String(reflecting: error))")
        #expect(reporting.storeFailure == .unavailable, "\(reporting.storeDiagnostic)")
        try await connection.close()  // PostgresNIO requires it (its deinit traps on an open connection)
    }

    @Test func aConstraintViolationIsABugNotAFailure() async throws {
        let store = try await PostgresStore.open(try await PostgresTestCluster.makeDatabase(), timeout: .seconds(60), logger: logger)
        defer { store.close() }
        let tenant = Tenant(id: UUID(), title: "T", createdTime: 1)
        try await store.insertTenant(tenant)
        let error = await failure { try await store.insertTenant(tenant) }
        let reporting = try #require(error as? any StoreFailureReporting, "\(String(reflecting: error))")
        #expect(reporting.storeFailure == nil)
        #expect(reporting.storeDiagnostic.hasPrefix("PostgreSQL error 23505:"))
        #expect(!reporting.storeDiagnostic.contains(tenant.id.uuidString.lowercased()), "no bound value in the log")
    }

    @Test func anUnreachableDatabaseAtStartIsUnavailable() {
        #expect(PostgresStoreError.unreachable(url: "postgres://u@h:1/m", reason: "refused").storeFailure == .unavailable)
        #expect(PostgresStoreError.invalidURL("no host").storeFailure == nil)
    }
}
