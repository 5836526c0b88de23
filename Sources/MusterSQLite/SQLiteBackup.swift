import Foundation
import GRDB

/// A consistent copy of a data directory's SQLite database while the server keeps running, through SQLite's online
/// backup API: the copy is taken in one step under one read transaction, which in WAL mode never blocks the
/// server's writers and sees exactly the transactions committed when it began.
package enum SQLiteBackup {
    /// What a backup wrote.
    package struct Summary: Sendable, Equatable {
        package var path: String
        package var bytes: Int
        package var devices: Int
        package var assets: Int
    }

    /// Why a backup was not made; nothing is left at the destination.
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case noDatabase(String)
        case destinationExists(String)
        case integrityCheckFailed(String)

        package var description: String {
            switch self {
            case .noDatabase(let path): "no Muster database at \(path)"
            case .destinationExists(let path): "\(path) exists; choose a new file (a backup never overwrites)"
            case .integrityCheckFailed(let result): "the copy failed SQLite's integrity check: \(result)"
            }
        }
    }

    /// Copies the database of `directory` to `destination` (a new file, mode 0600): written beside it under a
    /// temporary name, checked with `PRAGMA integrity_check`, then renamed into place.
    package static func copy(dataDirectory directory: String, to destination: String) throws -> Summary {
        let source = URL(fileURLWithPath: directory).appendingPathComponent(SQLiteStore.fileName).path
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: source) else { throw Failure.noDatabase(source) }
        guard !fileManager.fileExists(atPath: destination) else { throw Failure.destinationExists(destination) }
        let partial = destination + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? fileManager.removeItem(atPath: partial)
        do {
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(10)
            let reader = try DatabaseQueue(path: source, configuration: readOnly)
            let copy = try DatabaseQueue(path: partial)
            try reader.backup(to: copy)  // one step: all pages under one read transaction
            try reader.close()
            let (check, devices, assets) = try copy.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer",
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM devices") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM assets") ?? 0
                )
            }
            // The copy is a plain rollback-journal file: one file, ready to be copied or restored.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            guard check == "ok" else { throw Failure.integrityCheckFailed(check) }
            try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
            try fileManager.moveItem(atPath: partial, toPath: destination)
            let bytes = (try fileManager.attributesOfItem(atPath: destination)[.size] as? Int) ?? 0
            return Summary(path: destination, bytes: bytes, devices: devices, assets: assets)
        } catch {
            try? fileManager.removeItem(atPath: partial)
            throw error
        }
    }
}
