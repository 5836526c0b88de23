import MusterCore
import PostgresNIO
import _ConnectionPoolModule

extension PSQLError: MusterCore.StoreFailureReporting {
    /// A lost or refused connection, the server shutting down or starting (class 08, 57P01-03), and a write
    /// refused as read-only (25006: the primary was demoted) as ``StoreFailure/unavailable``; a full disk (SQLSTATE 53100) as ``StoreFailure/full``; a serialization
    /// failure, deadlock, lock wait or statement timeout (40001, 40P01, 55P03, 57014) as ``StoreFailure/busy``, as
    /// SQLite's busy and locked codes; a disk I/O error (58030) as ``StoreFailure/io``. Every other error (a
    /// constraint nobody expected, a syntax error) is a bug.
    public var storeFailure: StoreFailure? {
        switch code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return .unavailable
        case .server:
            switch serverInfo?[.sqlState] {
            case "53100": return .full
            case "40001", "40P01", "55P03", "57014": return .busy
            case "58030": return .io
            // A write on a server that no longer accepts them: a primary demoted by a failover.
            case "25006": return .unavailable
            // Class 08 (connection exception), and 57P01..57P03 (the server shutting down or starting).
            case let state? where state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state): return .unavailable
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

extension ConnectionPoolError: MusterCore.StoreFailureReporting {
    /// The pool's circuit breaker (no connection could be made for about 15 s; requests fail at once until one
    /// can) as ``StoreFailure/unavailable``.
    public var storeFailure: StoreFailure? {
        self == .connectionCreationCircuitBreakerTripped ? .unavailable : nil
    }

    public var storeDiagnostic: String {
        self == .connectionCreationCircuitBreakerTripped
            ? "PostgreSQL unreachable: no connection could be made (the pool keeps retrying)" : "PostgreSQL pool: \(self)"
    }
}
