import PostgresNIO

/// A statement put together from fixed SQL pieces and bound values: each value becomes a `$n` parameter, never
/// text of the statement. For queries whose shape varies (optional filters, a page's ordering); fixed statements
/// use ``PostgresQuery``'s interpolation directly.
///
/// A class, so that a piece can bind values while it is appended (`builder.append("… \(builder.bind(x))")`);
/// ``prefixed(_:)`` and ``replacingSQL(_:)`` make new builders that share nothing with this one.
final class SQLBuilder {
    private(set) var sql: String
    private(set) var bindings: PostgresBindings

    init(_ sql: String = "", bindings: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.bindings = bindings
    }

    /// Appends fixed SQL.
    func append(_ piece: String) {
        sql += piece
    }

    /// Binds `value` and returns its placeholder (`$n`).
    func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// Binds `value` (NULL when `nil`) and returns its placeholder.
    func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// A new builder: this statement with `prefix` before it (the placeholders keep their numbers).
    func prefixed(_ prefix: String) -> SQLBuilder {
        SQLBuilder(prefix + sql, bindings: bindings)
    }

    /// A new builder: other SQL over this statement's bindings, using the same placeholders.
    func replacingSQL(_ sql: String) -> SQLBuilder {
        SQLBuilder(sql, bindings: bindings)
    }

    var query: PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
