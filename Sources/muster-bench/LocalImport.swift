import ArgumentParser
import Foundation
import Logging
import MusterCore
import MusterSQLite

/// `muster-bench import-local`: runs ``BulkImporter`` on a CSV file against a fresh store (SQLite in `--dir`, or
/// an empty PostgreSQL database with `--database`), without HTTP, to measure the importer and the store alone.
struct LocalImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-local", abstract: "Import a benchmark CSV into a fresh store without HTTP.")

    @Option(help: "The CSV written by generate-csv.") var csv: String
    @Option(help: "A new SQLite data directory.") var dir: String?
    @Option(help: "A PostgreSQL URL (an empty database) instead of SQLite.") var database: String?
    @Option(help: "Rows per transaction.") var batch: Int = 5000
    @Option(help: "SQLite's page cache in MiB.") var cacheMib: Int = 64

    func run() async throws {
        let store: any MusterStore
        let tenantId: UUID
        let close: @Sendable () -> Void
        if database != nil {
            let bench = try await BenchStore.open(database: database, directory: nil)
            (store, tenantId, close) = (bench.store, bench.tenantId, bench.close)
        } else {
            guard let dir else { throw BenchStoreError.noStore }
            (tenantId, _) = try await SQLiteReference.prepareStore(directory: dir)
            let sqlite = try SQLiteStore.open(
                directory: dir, configuration: .init(cacheSizeKiB: cacheMib * 1024), logger: Logger(label: "muster-bench"))
            (store, close) = (sqlite, { try? sqlite.close() })
        }
        defer { close() }
        let clock = SystemWallClock()
        let importer = BulkImporter(
            store: store, profiles: ProfileService(store: store, clock: clock), clock: clock,
            configuration: .init(batchSize: batch))
        let mapping = try ImportMapping(
            entityType: .device,
            columns: [
                RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "LABEL"),
                RawImportColumn(type: "SERVER_ATTRIBUTE", key: "serialNumber"),
                RawImportColumn(type: "SHARED_ATTRIBUTE", key: "fw"),
                RawImportColumn(type: "TIMESERIES", key: "temperature"), RawImportColumn(type: "ACCESS_TOKEN"),
            ],
            delimiter: ",", header: true, update: false)
        let start = ContinuousClock.now
        let summary = try await importer.run(
            mapping: mapping, tenantId: tenantId, dryRun: false, source: try FileSource(path: csv))
        let seconds = (ContinuousClock.now - start).seconds
        print("import rows: \(summary.progress.rowsProcessed) created: \(summary.progress.created) errors: \(summary.progress.errors)")
        print("import seconds: \(String(format: "%.2f", seconds))")
        print("import rows/s: \(Int(Double(summary.progress.rowsProcessed) / seconds))")
    }
}

/// A CSV file read in 1 MiB chunks.
struct FileSource: ImportSource {
    let path: String
    let byteCount: Int

    init(path: String) throws {
        self.path = path
        byteCount = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }

    func readChunks(_ body: ([UInt8]) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { try await body(Array(data)) }
    }
}
