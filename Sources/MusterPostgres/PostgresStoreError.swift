import MusterCore

/// Why the PostgreSQL store could not open or refused something that the store protocols have no result case for.
package enum PostgresStoreError: Error, Equatable, Sendable {
    /// The database URL is malformed: what is wrong with it (never its password).
    case invalidURL(String)
    /// The database could not be reached or refused the login at start: the redacted URL and the reason.
    case unreachable(url: String, reason: String)
    /// A migration failed: its name and the server's message.
    case migrationFailed(name: String, message: String)
    /// A stored value that the store cannot read back (an unknown enum case, malformed JSON): its table and column.
    case invalidStoredValue(table: String, column: String)
    /// A save named an id that belongs to another tenant's row; nothing was written.
    case idOwnedByAnotherTenant(table: String)
    /// The device a write refers to does not exist.
    case deviceNotFound
    /// A write got no answer from the database within its bound (seconds); whether it committed is unknown.
    case timedOut(seconds: Int64)
    /// No host of a multi-host URL accepts writes at the moment (a failover under way); nothing was sent.
    case noPrimary
}

extension PostgresStoreError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .invalidURL(let reason): "invalid database URL: \(reason)"
        case .unreachable(let url, let reason): "cannot reach the database at \(url): \(reason)"
        case .migrationFailed(let name, let message): "migration \(name) failed: \(message)"
        case .invalidStoredValue(let table, let column): "invalid stored value in \(table).\(column)"
        case .idOwnedByAnotherTenant(let table): "the id is another tenant's row in \(table)"
        case .deviceNotFound: "no such device"
        case .timedOut(let seconds): "the database did not answer within \(seconds) s"
        case .noPrimary: "no database host accepts writes at the moment (a failover is under way)"
        }
    }
}

extension PostgresStoreError: StoreFailureReporting {
    /// An unreachable database as ``StoreFailure/unavailable``; a bad URL or a failed migration is not a database
    /// condition.
    package var storeFailure: StoreFailure? {
        if case .unreachable = self { return .unavailable }
        if case .timedOut = self { return .unavailable }
        if case .noPrimary = self { return .unavailable }
        return nil
    }

    package var storeDiagnostic: String { description }
}
