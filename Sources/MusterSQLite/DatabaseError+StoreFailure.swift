import GRDB
import MusterCore

extension DatabaseError: MusterCore.StoreFailureReporting {
    /// SQLite's busy, locked, full and I/O result codes (primary codes, whatever the extended one) as the core's
    /// ``StoreFailure``; every other code is a bug.
    public var storeFailure: StoreFailure? {
        switch resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: .busy
        case .SQLITE_FULL: .full
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_CORRUPT, .SQLITE_NOTADB: .io
        default: nil
        }
    }

    /// `SQLite error <extended code> (<primary code name>): <message>`; GRDB's message holds SQLite's text and
    /// never the statement's arguments.
    public var storeDiagnostic: String {
        "SQLite error \(extendedResultCode.rawValue) (\(resultCode)): \(message ?? "no message")"
    }
}
