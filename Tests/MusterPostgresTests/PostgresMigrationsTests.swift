import Foundation
import Logging
import MusterPostgres
import MusterTestSupport
import PostgresNIO
import Testing

/// The PostgreSQL store's start-up against a real server: the schema migrates once, also when several nodes start
/// at once; the invariants that the database holds are there by name; an unreachable database is a clear error.
@Suite struct PostgresMigrationsTests {
    let logger = Logger(label: "postgres-test")

    private func names(_ store: PostgresStore, _ sql: String) async throws -> Set<String> {
        var result: Set<String> = []
        for try await name in try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) {
            result.insert(name)
        }
        return result
    }

    private func ints(_ store: PostgresStore, _ sql: String) async throws -> [Int] {
        var result: [Int] = []
        for try await value in try await store.client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
            result.append(value)
        }
        return result
    }

    /// The name of the constraint that `body` violated; `nil` when it succeeded.
    private func violatedConstraint(_ body: () async throws -> Void) async throws -> String? {
        do {
            try await body()
            return nil
        } catch let error as PSQLError {
            return error.serverInfo?[.constraintName]
        }
    }

    @Test func aFreshDatabaseGetsTheWholeSchemaWithSQLitesConstraintNames() async throws {
        let url = try await PostgresTestCluster.makeDatabase()
        let store = try await PostgresStore.open(url, timeout: .seconds(60), logger: logger)
        defer { store.close() }
        let tables = try await names(store, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables.isSuperset(of: [
            "settings", "tenants", "users", "device_profiles", "asset_profiles", "devices", "assets",
            "device_credentials", "attributes", "ts_kv", "ts_kv_latest", "audit_log", "entity_counts",
            "failure_counts", "muster_migrations",
        ]))
        let constraints = try await names(
            store,
            """
            SELECT conname::text FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'
            """)
        #expect(constraints.isSuperset(of: [
            "user_email_unq_key", "device_profile_name_unq_key", "device_provision_key_unq_key",
            "device_profile_default_unq_key", "asset_profile_name_unq_key", "asset_profile_default_unq_key",
            "device_name_unq_key", "asset_name_unq_key", "device_credentials_id_unq_key",
            "device_credentials_device_id_unq_key", "fk_device_profile", "fk_asset_profile",
        ]))
        let applied = try await names(store, "SELECT name FROM muster_migrations")
        #expect(applied == Set(PostgresMigrations.all.map(\.name)))
    }

    @Test func nodesStartingAtOnceMigrateOnceAndReopeningAppliesNothing() async throws {
        let url = try await PostgresTestCluster.makeDatabase()
        let logger = self.logger
        // Four nodes open the same empty database at the same moment: the advisory lock lets one migrate.
        let runs = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try await PostgresStore.open(url, timeout: .seconds(60), logger: logger)
                    defer { store.close() }
                    return try await PostgresMigrations.migrate(store.client, logger: logger)
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(runs.allSatisfy { $0.isEmpty }, "open() migrated already; a second migrate() finds nothing: \(runs)")
        let store = try await PostgresStore.open(url, timeout: .seconds(60), logger: logger)
        defer { store.close() }
        #expect(try await PostgresMigrations.migrate(store.client, logger: logger).isEmpty)
        let rows = try await ints(store, "SELECT count(*)::bigint FROM muster_migrations")
        #expect(rows == [PostgresMigrations.all.count])
    }

    @Test func theDatabaseHoldsOneDefaultProfilePerTenantAndCountsDevices() async throws {
        let url = try await PostgresTestCluster.makeDatabase()
        let store = try await PostgresStore.open(url, timeout: .seconds(60), logger: logger)
        defer { store.close() }
        let tenant = UUID()
        func profile(_ id: UUID, _ name: String, isDefault: Bool) async throws {
            try await store.client.query(
                """
                INSERT INTO device_profiles (tenant_id, id, name, search_text, is_default, transport_type,
                    provision_type, provision_configuration, profile_data, created_time, version)
                VALUES (\(tenant), \(id), \(name), \(name.lowercased()), \(isDefault), 'DEFAULT', 'DISABLED', '{}', '{}', 0, 1)
                """, logger: logger)
        }
        let first = UUID()
        try await profile(first, "default", isDefault: true)
        #expect(try await violatedConstraint { try await profile(UUID(), "second", isDefault: true) }
            == "device_profile_default_unq_key")
        for index in 0..<3 {
            try await store.client.query(
                """
                INSERT INTO devices (tenant_id, id, name, search_text, type, device_profile_id, created_time, version)
                VALUES (\(tenant), \(UUID()), \("d-\(index)"), \("d-\(index)"), 'default', \(first), 0, 1)
                """, logger: logger)
        }
        let counted = try await ints(store, "SELECT count FROM entity_counts WHERE entity_kind = 1")
        #expect(counted == [3])
        // A device of this tenant cannot point at another tenant's profile.
        let stray = try await violatedConstraint {
            try await store.client.query(
                """
                INSERT INTO devices (tenant_id, id, name, search_text, type, device_profile_id, created_time, version)
                VALUES (\(UUID()), \(UUID()), 'stray', 'stray', 'default', \(first), 0, 1)
                """, logger: logger)
        }
        #expect(stray == "fk_device_profile")
    }

    @Test func anUnreachableDatabaseIsAClearErrorWithoutThePassword() async throws {
        let url = try PostgresDatabaseURL("postgres://muster:s3cret-pass@127.0.0.1:1/muster")
        do {
            let store = try await PostgresStore.open(url, timeout: .seconds(3), logger: logger)
            store.close()
            Issue.record("opened a database on port 1")
        } catch let error as PostgresStoreError {
            guard case .unreachable(let redacted, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(redacted == "postgres://muster@127.0.0.1:1/muster?sslmode=disable")
            #expect(!"\(error)".contains("s3cret-pass"))
        }
    }

    @Test func databaseURLs() throws {
        let url = try PostgresDatabaseURL("postgres://app:p%40ss@db.example:6432/muster?sslmode=verify-full&sslrootcert=/ca.pem")
        #expect(url.host == "db.example" && url.port == 6432 && url.username == "app" && url.password == "p@ss")
        #expect(url.database == "muster" && url.sslMode == .verifyFull && url.sslRootCertificate == "/ca.pem")
        #expect(try PostgresDatabaseURL("postgresql://u@localhost/m").sslMode == .disable)
        #expect(try PostgresDatabaseURL("postgres://u@db/m").sslMode == .prefer)
        for bad in ["mysql://u@h/m", "postgres://h/m", "postgres://u@h/", "postgres://u@h/m?sslmode=sometimes"] {
            #expect(throws: PostgresStoreError.self, "\(bad)") { try PostgresDatabaseURL(bad) }
        }
    }
}
