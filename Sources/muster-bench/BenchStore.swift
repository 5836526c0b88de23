import Foundation
import Logging
import MusterCore
import MusterPostgres
import MusterSQLite

/// The store a store-level benchmark runs on: a new SQLite data directory, or a PostgreSQL database (which must be
/// empty), with one tenant and its default device profile.
struct BenchStore {
    let store: any MusterStore
    let tenantId: UUID
    let profile: DeviceProfile
    /// PostgreSQL's shared failure counts (the limiters' on several nodes); `nil` on SQLite.
    let failureCounts: (any FailureCountStore)?
    let close: @Sendable () -> Void

    /// Opens the store: PostgreSQL when `database` is a `postgres://` URL, else SQLite in `directory`.
    /// - Parameter groupCommitLimit: The most provisionings written together (1: one transaction each).
    static func open(database: String?, directory: String?, groupCommitLimit: Int = 64) async throws -> BenchStore {
        let logger = Logger(label: "muster-bench")
        let store: any MusterStore
        let close: @Sendable () -> Void
        var failureCounts: (any FailureCountStore)?
        if let database {
            let postgres = try await PostgresStore.open(
                try PostgresDatabaseURL(database), groupCommitLimit: groupCommitLimit, logger: logger)
            store = postgres
            failureCounts = postgres.failureCounts
            close = { postgres.close() }
        } else {
            guard let directory else { throw BenchStoreError.noStore }
            let sqlite = try SQLiteStore.open(
                directory: directory,
                configuration: .init(groupCommit: groupCommitLimit > 1, maximumGroupSize: max(1, groupCommitLimit)),
                logger: logger)
            store = sqlite
            close = { try? sqlite.close() }
        }
        let clock = SystemWallClock()
        let tenant = try await TenantService(directory: store, profiles: store, clock: clock).createTenant(title: "Bench")
        let profile = try await ProfileService(store: store, clock: clock).defaultDeviceProfile(tenantId: tenant.id)
        return BenchStore(
            store: store, tenantId: tenant.id, profile: profile, failureCounts: failureCounts, close: close)
    }
}

enum BenchStoreError: Error, CustomStringConvertible {
    case noStore

    var description: String { "give --database postgres://… or --dir DIRECTORY" }
}
