import GRDB
import MusterCore

extension SQLiteStore {
    /// `SELECT 1` on a reader of the pool: the file can be opened and read.
    package func checkHealth() async throws {
        try await dbPool.read { db in try db.execute(sql: "SELECT 1") }
    }
}
