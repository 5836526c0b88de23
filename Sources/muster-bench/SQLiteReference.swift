import ArgumentParser
import Foundation
import GRDB
import Logging
import MusterCore
import MusterSQLite

/// `muster-bench sqlite-reference`: the raw insert rate of the import's rows straight into SQLite, the
/// reference the importer is measured against.
///
/// The store is created with ``SQLiteStore/open(directory:configuration:logger:)`` (so the schema is Muster's),
/// with one tenant and its default device profile; then each row (device, credentials, two attributes, one
/// sample and its latest value) is inserted with plain prepared `INSERT`s in large transactions, time-ordered
/// ids, WAL with `synchronous = NORMAL`, foreign keys on (as the store runs) and undo journals in memory.
struct SQLiteReference: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sqlite-reference", abstract: "Insert the import's rows straight into SQLite and time it.")

    @Option(help: "Devices to insert.") var rows: Int = 1_000_000
    @Option(help: "A new data directory (must not hold a store yet).") var dir: String
    @Option(help: "Devices per transaction.") var batch: Int = 100_000
    @Option(help: "Page cache in MiB.") var cacheMib: Int = 256
    @Option(help: "Seed of the random tokens.") var seed: UInt64 = 42
    @Option(
        help: "Drop these indexes or triggers of the schema first (repeatable): what each costs is the difference.")
    var drop: [String] = []

    func run() async throws {
        let path = URL(fileURLWithPath: dir).appendingPathComponent(SQLiteStore.fileName).path
        guard !FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path) already exists") }
        let (tenantId, profile) = try await Self.prepareStore(directory: dir)
        var configuration = GRDB.Configuration()
        configuration.journalMode = .wal
        configuration.foreignKeysEnabled = true
        let cache = cacheMib * 1024
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        for name in drop {
            try await queue.write { db in
                guard let type = try String.fetchOne(db, sql: "SELECT type FROM sqlite_master WHERE name = ?", arguments: [name]),
                    type == "index" || type == "trigger"
                else { throw ValidationError("no index or trigger called \(name)") }
                try db.execute(sql: "DROP \(type.uppercased()) \(name)")
            }
            print("dropped: \(name)")
        }
        let start = ContinuousClock.now
        try insert(into: queue, tenantId: tenantId, profile: profile)
        let seconds = (ContinuousClock.now - start).seconds
        try queue.close()
        print("reference rows: \(rows)")
        print("reference seconds: \(String(format: "%.2f", seconds))")
        print("reference rows/s: \(Int(Double(rows) / seconds))")
    }

    /// Creates the store, a tenant and its default device profile, then closes the store.
    static func prepareStore(directory: String) async throws -> (UUID, DeviceProfile) {
        let store = try SQLiteStore.open(directory: directory, logger: Logger(label: "muster-bench"))
        let clock = SystemWallClock()
        let tenant = try await TenantService(directory: store, profiles: store, clock: clock).createTenant(title: "Bench")
        let profile = try await ProfileService(store: store, clock: clock).defaultDeviceProfile(tenantId: tenant.id)
        try store.close()
        return (tenant.id, profile)
    }

    private func insert(into queue: DatabaseQueue, tenantId: UUID, profile: DeviceProfile) throws {
        let timestamp = SystemWallClock().nowMilliseconds()
        var ids = EntityIdentifier.Sequence()
        var generator = SplitMix64(seed: seed)
        var index = 1
        while index <= rows {
            let end = min(index + batch - 1, rows)
            try queue.inTransaction(.immediate) { db in
                let device = try RawStatement(db, """
                    INSERT INTO devices (id, tenant_id, name, search_text, type, device_profile_id, label, additional_info,
                        created_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 1)
                    """)
                let credentials = try RawStatement(db, """
                    INSERT INTO device_credentials (id, device_id, created_time, credentials_type, credentials_id,
                        credentials_value, version) VALUES (?, ?, ?, 'ACCESS_TOKEN', ?, NULL, 1)
                    """)
                let attribute = try RawStatement(db, """
                    INSERT INTO attributes (entity_id, scope, key, value_type, value, last_update_ts)
                    VALUES (?, ?, ?, 'STRING', ?, ?)
                    """)
                let sample = try RawStatement(
                    db, "INSERT INTO ts_kv (entity_id, key, ts, value_type, value) VALUES (?, 'temperature', ?, 'DOUBLE', ?)")
                let latest = try RawStatement(
                    db, "INSERT INTO ts_kv_latest (entity_id, key, ts, value_type, value) VALUES (?, 'temperature', ?, 'DOUBLE', ?)")
                for row in index...end {
                    let id = ids.next(at: timestamp)
                    let name = BenchRows.name(row)
                    device.bind(1, id)
                    device.bind(2, tenantId)
                    device.bind(3, name)
                    device.bind(4, name.lowercased())
                    device.bind(5, profile.name)
                    device.bind(6, profile.id)
                    device.bind(7, BenchRows.label(row))
                    device.bind(8, timestamp)
                    try device.execute()
                    credentials.bind(1, ids.next(at: timestamp))
                    credentials.bind(2, id)
                    credentials.bind(3, timestamp)
                    credentials.bind(4, BenchRows.token(using: &generator))
                    try credentials.execute()
                    func attributeRow(_ scope: Int64, _ key: String, _ value: String) throws {
                        attribute.bind(1, id)
                        attribute.bind(2, scope)
                        attribute.bind(3, key)
                        attribute.bind(4, value)
                        attribute.bind(5, timestamp)
                        try attribute.execute()
                    }
                    try attributeRow(2, "serialNumber", BenchRows.serialNumber(row))
                    try attributeRow(3, "fw", BenchRows.firmware(row))
                    let temperature = BenchRows.temperature(row)
                    func reading(_ statement: RawStatement) throws {
                        statement.bind(1, id)
                        statement.bind(2, timestamp)
                        statement.bind(3, temperature)
                        try statement.execute()
                    }
                    try reading(sample)
                    try reading(latest)
                }
                // The import indexes each batch's names for substring search in one statement: so does the reference.
                try SQLiteStore.indexNewDeviceNames(db)
                return .commit
            }
            index = end + 1
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
