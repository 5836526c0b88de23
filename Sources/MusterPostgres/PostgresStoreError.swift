/// Why the PostgreSQL store could not open or refused something that the store protocols have no result case for.
package enum PostgresStoreError: Error, Equatable, Sendable {
    /// The database URL is malformed: what is wrong with it (never its password).
    case invalidURL(String)
    /// The database could not be reached or refused the login at start: the redacted URL and the reason.
    case unreachable(url: String, reason: String)
    /// A migration failed: its name and the server's message.
    case migrationFailed(name: String, message: String)
}

extension PostgresStoreError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .invalidURL(let reason): "invalid database URL: \(reason)"
        case .unreachable(let url, let reason): "cannot reach the database at \(url): \(reason)"
        case .migrationFailed(let name, let message): "migration \(name) failed: \(message)"
        }
    }
}
