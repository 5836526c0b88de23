import MusterSQLite

/// What `muster backup` wrote.
package struct BackupSummary: Sendable, Equatable {
    package var path: String
    package var bytes: Int
    package var devices: Int
    package var assets: Int
}

/// Copies the embedded store of `dataDirectory` to the new file `destination` while a server may be running on it
/// (SQLite's online backup API; see ``SQLiteBackup``).
package func backupDatabase(dataDirectory: String, to destination: String) throws -> BackupSummary {
    let copy = try SQLiteBackup.copy(dataDirectory: dataDirectory, to: destination)
    return BackupSummary(path: copy.path, bytes: copy.bytes, devices: copy.devices, assets: copy.assets)
}
