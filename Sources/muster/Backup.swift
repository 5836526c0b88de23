import ArgumentParser
import Foundation
import MusterApp

/// `muster backup --to FILE`: a consistent copy of the data directory's database, taken while the server runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database of a data directory to a new file, while the server keeps running.",
        discussion: """
            The copy is consistent (SQLite's online backup API, in one read transaction that does not block the \
            server's writes), checked with SQLite's integrity check, and written with mode 0600; an existing file \
            is never overwritten. To restore: stop the server, remove muster.sqlite, muster.sqlite-wal and \
            muster.sqlite-shm from the data directory, copy the backup there as muster.sqlite, and start the server.
            """
    )

    @Option(help: "The data directory (default: MUSTER_DATA_DIR, else ./muster-data).")
    var dataDir: String?

    @Option(help: "The new file to write.")
    var to: String

    func run() throws {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["MUSTER_DATA_DIR"] ?? "./muster-data"
        do {
            let summary = try backupDatabase(dataDirectory: directory, to: to)
            print("backup: \(summary.path) (\(summary.bytes) bytes; \(summary.devices) devices, \(summary.assets) assets)")
        } catch {
            FileHandle.standardError.write(Data("muster: backup failed: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
