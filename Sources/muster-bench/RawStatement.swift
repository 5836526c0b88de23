import Foundation
import GRDB
import GRDBSQLite

/// A GRDB-prepared statement bound and stepped through SQLite's C API: the cheapest way to run one prepared
/// `INSERT` per row (no `StatementArguments`, no `Data` per UUID).
struct RawStatement {
    let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
    }

    func bind(_ index: Int32, _ value: UUID) {
        withUnsafeBytes(of: value.uuid) { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, 16, Self.transient) }
    }

    func bind(_ index: Int32, _ value: String) {
        var text = value
        text.withUTF8 { _ = sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    func bind(_ index: Int32, _ value: Int64) { _ = sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Double) { _ = sqlite3_bind_double(handle, index, value) }

    /// Steps to completion and resets.
    func execute() throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
    }
}
