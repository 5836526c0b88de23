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
        "SQLite error \(extendedResultCode.rawValue) (\(primaryName)): \(message ?? "no message")"
    }

    /// The primary code's name for the codes that are conditions (`SQLITE_FULL`), else its number.
    private var primaryName: String {
        switch resultCode {
        case .SQLITE_BUSY: "SQLITE_BUSY"
        case .SQLITE_LOCKED: "SQLITE_LOCKED"
        case .SQLITE_FULL: "SQLITE_FULL"
        case .SQLITE_IOERR: "SQLITE_IOERR"
        case .SQLITE_CANTOPEN: "SQLITE_CANTOPEN"
        case .SQLITE_READONLY: "SQLITE_READONLY"
        case .SQLITE_CORRUPT: "SQLITE_CORRUPT"
        case .SQLITE_NOTADB: "SQLITE_NOTADB"
        default: "primary code \(resultCode.rawValue)"
        }
    }
}
