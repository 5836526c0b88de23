/// What kind of failure a store met that is a condition of the database or its machine, not a bug: transports
/// answer it clearly (HTTP 503 or 507) instead of "Internal server error".
public enum StoreFailure: Sendable, Equatable {
    /// The database is locked or busy beyond the store's wait: retrying shortly may succeed.
    case busy
    /// The disk (or the database's size limit) is full: nothing of the refused write was stored.
    case full
    /// Reading or writing the database's files failed.
    case io
    /// The database server cannot be reached: the connection was refused, lost, or not made in time. Nothing of
    /// the request was committed unless the store said so; the store reconnects by itself when the server is back.
    case unavailable
}

/// An error a store throws that can say whether it is a ``StoreFailure`` and describe itself for the log.
///
/// Stores conform their driver's error type (SQLite's `DatabaseError`, say) to it, so that the transports map it
/// without knowing the driver.
public protocol StoreFailureReporting: Error {
    /// The kind of failure, or `nil` when the error is a bug (a constraint nobody expected, a misuse, a schema
    /// mismatch): the transports then answer 500.
    var storeFailure: StoreFailure? { get }
    /// The driver's code and message, for the log: never a bound value, so never a secret.
    var storeDiagnostic: String { get }
}
