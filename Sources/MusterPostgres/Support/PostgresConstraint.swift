import MusterCore
import PostgresNIO

/// The store contract's named constraints (``StoreConstraint``), recognised from the error PostgreSQL reports when
/// a statement violates one: PostgreSQL names the violated constraint (or unique index) in the error's
/// `constraint_name` field, and the migrations give them the contract's names.
typealias PostgresConstraint = StoreConstraint

extension StoreConstraint {
    /// SQLSTATE `unique_violation`.
    static let uniqueViolation = "23505"
    /// SQLSTATE `foreign_key_violation`.
    static let foreignKeyViolation = "23503"

    /// The constraint `error` reports, or `nil` when it is not a violation of a known constraint.
    init?(_ error: PSQLError) {
        guard let info = error.serverInfo else { return nil }
        switch info[.sqlState] {
        case Self.foreignKeyViolation:
            self = .foreignKey
        case Self.uniqueViolation:
            guard let name = info[.constraintName], let constraint = Self(rawValue: name), constraint != .foreignKey
            else { return nil }
            self = constraint
        default:
            return nil
        }
    }

    /// The constraint `error` reports, looking inside a failed transaction.
    init?(_ error: any Error) {
        guard let error = PostgresStore.serverError(error) else { return nil }
        self.init(error)
    }
}
