import Foundation
import GRDB
import GRDBSQLite

/// A GRDB-prepared statement run through SQLite's C API, for the bulk-import hot path.
///
/// Building `StatementArguments` costs more CPU per row than SQLite's own insert (an array of `DatabaseValue`s,
/// a `Data` per UUID, generic key-path mapping): measured on the benchmark rows, about half of the time. Here
/// each argument is bound in place (a UUID straight from its 16 bytes, a string from its UTF-8), then the
/// statement is stepped and reset.
///
/// Only inside the write closure of the connection that prepared the statement. GRDB leaves a statement it ran
/// un-reset after its last step, and SQLite refuses to bind to such a statement (`SQLITE_MISUSE`) and then runs
/// it with cleared bindings: so the binder resets the statement when it takes it (``init(_:_:)``), checks every
/// bind, and resets after each step. (The statement cache is keyed by SQL text: a statement another code path also
/// ran — the attribute upsert of the device API, say — comes back in whatever state that path left it.)
struct ImportBinder {
    /// The GRDB statement, kept alive (it finalizes the handle).
    let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    /// Takes `statement` for binding in place: resets it and clears its bindings, whatever state the statement
    /// cache handed it over in.
    init(_ statement: Statement, _ db: Database) throws {
        self.statement = statement
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        // sqlite3_reset returns the error of the last step, if it failed; the statement is reset all the same.
        sqlite3_reset(handle)
        try check(sqlite3_clear_bindings(handle))
    }

    /// SQLite copies the bytes it is given (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: UUID) throws {
        try check(withUnsafeBytes(of: value.uuid) { bytes in
            sqlite3_bind_blob(handle, index, bytes.baseAddress, 16, Self.transient)
        })
    }

    func bind(_ index: Int32, _ value: String) throws {
        var text = value
        try check(text.withUTF8 { bytes in
            sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        })
    }

    func bind(_ index: Int32, _ value: String?) throws {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ index: Int32, _ value: Double) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    func bindNull(_ index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds a `DatabaseValue` (the typed `value` column of attributes and samples).
    func bind(_ index: Int32, _ value: DatabaseValue) throws {
        switch value.storage {
        case .null: try bindNull(index)
        case .int64(let number): try bind(index, number)
        case .double(let number): try bind(index, number)
        case .string(let text): try bind(index, text)
        case .blob(let data):
            try check(data.withUnsafeBytes { bytes in
                sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            })
        }
    }

    /// Throws SQLite's error when a bind or clear did not succeed (a statement left busy gives `SQLITE_MISUSE`):
    /// never step a statement whose arguments were not all bound.
    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// Runs the statement to completion (its rows, if any, are ignored) and resets it.
    /// - Throws: A `DatabaseError` with SQLite's extended result code, as GRDB reports it.
    func execute() throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure() }
        sqlite3_reset(handle)
    }

    /// Steps once and passes the first row's columns to `body` (nothing when there is no row), then resets.
    func fetchFirst<T>(_ body: (Columns) throws -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return try body(Columns(handle: handle))
        case SQLITE_DONE: return nil
        default: throw failure()
        }
    }

    /// The current error as a `DatabaseError`; resets the statement.
    private func failure() -> DatabaseError {
        let code = connection.map { sqlite3_extended_errcode($0) } ?? SQLITE_ERROR
        let message = connection.map { String(cString: sqlite3_errmsg($0)) }
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// The columns of the current row.
    struct Columns {
        fileprivate let handle: OpaquePointer

        /// A 16-byte blob as a UUID, or `nil` when the column holds something else.
        func uuid(_ index: Int32) -> UUID? {
            guard sqlite3_column_type(handle, index) == SQLITE_BLOB, sqlite3_column_bytes(handle, index) == 16,
                let bytes = sqlite3_column_blob(handle, index)
            else { return nil }
            var value = UUID().uuid
            withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: 16)) }
            return UUID(uuid: value)
        }

        /// A text column, or `nil` when it is NULL.
        func text(_ index: Int32) -> String? {
            guard sqlite3_column_type(handle, index) != SQLITE_NULL, let text = sqlite3_column_text(handle, index) else {
                return nil
            }
            return String(cString: text)
        }
    }
}
