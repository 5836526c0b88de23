import MusterCore
import PostgresNIO

extension PSQLError: MusterCore.StoreFailureReporting {
    /// A lost or refused connection as ``StoreFailure/io``; a full disk (SQLSTATE 53100) as ``StoreFailure/full``;
    /// a serialization failure, deadlock or lock wait (40001, 40P01, 55P03) as ``StoreFailure/busy``, as SQLite's
    /// busy and locked codes. Every other error (a constraint nobody expected, a syntax error) is a bug.
    public var storeFailure: StoreFailure? {
        switch code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return .io
        case .server:
            switch serverInfo?[.sqlState] {
            case "53100": return .full
            case "40001", "40P01", "55P03": return .busy
            // Class 08 (connection exception), and 57P01..57P03 (the server shutting down or starting).
            case let state? where state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state): return .io
            default: return nil
            }
        default:
            return nil
        }
    }

    /// `PostgreSQL error <SQLSTATE>: <message>`, or PostgresNIO's code when the server said nothing: the server's
    /// message names constraints and columns, never the statement's bound values.
    public var storeDiagnostic: String {
        guard let info = serverInfo else { return "PostgreSQL client error: \(code)" }
        return "PostgreSQL error \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
    }
}

extension PostgresTransactionError: MusterCore.StoreFailureReporting {
    /// The error inside the transaction: its body's, else its commit's, else its `BEGIN`'s.
    private var inner: (any StoreFailureReporting)? {
        (closureError ?? commitError ?? beginError) as? any StoreFailureReporting
    }

    /// The failure of the error inside the transaction (see ``PSQLError/storeFailure``).
    public var storeFailure: StoreFailure? { inner?.storeFailure }

    public var storeDiagnostic: String { inner?.storeDiagnostic ?? "PostgreSQL transaction failed" }
}
