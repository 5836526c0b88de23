/// How the PostgreSQL store uses its database beyond the URL: the pool's size and the time limits.
package struct PostgresStoreOptions: Sendable, Equatable {
    /// The most connections the node keeps open to the database (`database.poolSize`).
    package var poolSize: Int
    /// The longest a statement may run before the server cancels it (`statement_timeout`); the request then gets
    /// 503 "busy". `nil`: the server's own setting.
    package var statementTimeout: Duration?
    /// The longest a connection attempt (TCP, TLS, login) may take.
    package var connectTimeout: Duration

    package init(poolSize: Int = 20, statementTimeout: Duration? = .seconds(30), connectTimeout: Duration = .seconds(10)) {
        self.poolSize = poolSize
        self.statementTimeout = statementTimeout
        self.connectTimeout = connectTimeout
    }
}
