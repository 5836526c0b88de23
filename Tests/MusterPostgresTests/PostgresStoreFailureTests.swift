import Foundation
import Logging
import MusterCore
import MusterPostgres
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
        let store = try await PostgresStore.open(try await PostgresTestCluster.makeDatabase(), logger: logger)
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

    @Test func aConnectionTheServerEndedIsIO() async throws {
        let store = try await PostgresStore.open(try await PostgresTestCluster.makeDatabase(), logger: logger)
        defer { store.close() }
        let logger = self.logger
        try await store.client.withConnection { connection -> Void in
            var pid: Int32 = 0
            for try await value in try await connection.query("SELECT pg_backend_pid()", logger: logger)
                .decode(Int32.self)
            {
                pid = value
            }
            for try await _ in try await store.client.query("SELECT pg_terminate_backend(\(pid))", logger: logger) {}
            let error = await failure { for try await _ in try await connection.query("SELECT 1", logger: logger) {} }
            let reporting = try #require(error as? any StoreFailureReporting, "\(String(reflecting: error))")
            #expect(reporting.storeFailure == .io, "\(reporting.storeDiagnostic)")
        }
    }

    @Test func aConstraintViolationIsABugNotAFailure() async throws {
        let store = try await PostgresStore.open(try await PostgresTestCluster.makeDatabase(), logger: logger)
        defer { store.close() }
        let tenant = Tenant(id: UUID(), title: "T", createdTime: 1)
        try await store.insertTenant(tenant)
        let error = await failure { try await store.insertTenant(tenant) }
        let reporting = try #require(error as? any StoreFailureReporting, "\(String(reflecting: error))")
        #expect(reporting.storeFailure == nil)
        #expect(reporting.storeDiagnostic.hasPrefix("PostgreSQL error 23505:"))
        #expect(!reporting.storeDiagnostic.contains(tenant.id.uuidString.lowercased()), "no bound value in the log")
    }

    @Test func anUnreachableDatabaseAtStartIsIO() {
        #expect(PostgresStoreError.unreachable(url: "postgres://u@h:1/m", reason: "refused").storeFailure == .io)
        #expect(PostgresStoreError.invalidURL("no host").storeFailure == nil)
    }
}
