import Foundation
import GRDB
import Logging
import MusterCore

/// The embedded store: every protocol of ``MusterStore`` over one SQLite file (`muster.sqlite`) in WAL mode,
/// through one GRDB `DatabasePool` (one writer, concurrent readers).
///
/// Each mutating method is one write transaction, and every invariant (unique names, credentials and
/// provision keys, one `provisionState` per device, profile references) is decided by a constraint of the schema:
/// a violation rolls the whole transaction back and is reported as the protocol's result case.
package struct SQLiteStore: MusterStore {
    /// The connection pool.
    let dbPool: DatabasePool
    let configuration: Configuration
    let logger: Logger
    /// Batches concurrent ``createProvisionedDevice(_:)`` calls into shared transactions, when enabled.
    let provisionBatcher: ProvisionBatcher?
    /// When a write someone waits for last asked for the writer (see ``importBatchLimit``).
    let writerDemand: WriterDemand

    private init(dbPool: DatabasePool, configuration: Configuration, logger: Logger) {
        self.dbPool = dbPool
        self.configuration = configuration
        self.logger = logger
        let writerDemand = WriterDemand(window: configuration.contendedImportWindow)
        self.writerDemand = writerDemand
        provisionBatcher =
            configuration.groupCommit
            ? ProvisionBatcher(
                dbPool: dbPool, maximumBatchSize: configuration.maximumGroupSize, demand: writerDemand,
                metrics: configuration.metrics) : nil
    }

    /// The name of the database file inside the data directory.
    package static let fileName = "muster.sqlite"

    /// Opens (creating it if needed) the store in `directory` and brings its schema up to date.
    ///
    /// Migrations have run when this returns, so nothing can use the store before them.
    /// - Parameters:
    ///   - directory: The data directory; created with its parents when missing.
    ///   - configuration: Connection settings.
    ///   - logger: Where opening and migrations are logged.
    /// - Returns: The open store.
    /// - Throws: A file-system error, or a `DatabaseError` when the file cannot be opened or migrated.
    package static func open(
        directory: String, configuration: SQLiteStore.Configuration = .init(), logger: Logger
    ) throws -> SQLiteStore {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        let dbPool = try DatabasePool(path: path, configuration: configuration.databaseConfiguration)
        do {
            try configuration.applyAfterOpening(dbPool)
            let migrator = SQLiteMigrations.migrator
            let applied = try dbPool.read { try migrator.appliedIdentifiers($0) }
            try migrator.migrate(dbPool)
            let pending = try dbPool.read { try migrator.appliedIdentifiers($0) }.subtracting(applied)
            logger.info(
                "sqlite store open",
                metadata: ["path": "\(path)", "migrationsApplied": "\(pending.sorted())"]
            )
            if pending.contains(SQLiteMigrations.trimNamesIdentifier) {
                let report = try dbPool.read { try SQLiteMigrations.trimNamesReport($0) }
                logger.notice("migration trimmed entity names", metadata: ["names": "\(report.count)"])
                for line in report { logger.notice("name migration: \(line)") }
            }
        } catch {
            try? dbPool.close()
            logger.error("sqlite store could not be opened", metadata: ["path": "\(path)", "error": "\(error)"])
            throw error
        }
        return SQLiteStore(dbPool: dbPool, configuration: configuration, logger: logger)
    }

    /// Closes every connection. The store must not be used afterwards.
    /// - Throws: A `DatabaseError` when a connection cannot be closed (e.g. a statement is still running).
    package func close() throws {
        try dbPool.close()
    }

    /// Runs `body` in one write transaction; a thrown error rolls it back and is translated by `translate`.
    ///
    /// Constraint violations are recognised only after the transaction has rolled back, so a refused write never
    /// leaves part of itself behind.
    /// - Parameters:
    ///   - translate: The result for a violated constraint, or `nil` to rethrow the error.
    ///   - body: The transaction.
    func write<T: Sendable>(
        onViolation translate: (SQLiteConstraint) -> T?,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await waitedWrite(body)
        } catch let error as DatabaseError {
            if let constraint = SQLiteConstraint(error), let result = translate(constraint) { return result }
            throw error
        }
    }

    /// `dbPool.write` for a write someone waits for (a provisioning, a device's telemetry, an admin's change): notes
    /// its demand for the single writer first, so that a running import shares it (``WriterDemand``).
    func waitedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        writerDemand.note()
        return try await dbPool.write(body)
    }

    /// Runs a short, indexed read of ONE statement on the calling thread (GRDB's synchronous `unsafeRead`), skipping
    /// the hop to a reader queue and back and the BEGIN/COMMIT around it, which together cost more than such a read:
    /// a single SELECT is atomic in SQLite, so it needs no explicit transaction. Only for point lookups: anything that
    /// may scan (pages, counts) or needs several statements to agree uses the asynchronous `dbPool.read`.
    func pointRead<T>(_ body: (Database) throws -> T) throws -> T {
        try dbPool.unsafeRead(body)
    }
}
