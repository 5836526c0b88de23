/// The store a server opens: the embedded SQLite file in the data directory (the default), or a PostgreSQL
/// database.
package enum DatabaseConfiguration: Sendable, Hashable {
    /// `muster.sqlite` in the data directory.
    case sqlite
    /// The PostgreSQL database at `url` (`postgres://user:password@host:port/database?sslmode=…`).
    case postgres(PostgresDatabaseSettings)
}

/// How to reach and use a PostgreSQL database (`database.*` configuration keys).
package struct PostgresDatabaseSettings: Sendable, Hashable {
    /// The database's URL; it holds the password, so it is never logged as it is.
    package var url: String
    /// The most connections one node keeps to the database.
    package var poolSize: Int
    /// Seconds a statement may run before the server cancels it; 0 leaves the server's setting.
    package var statementTimeoutSeconds: Int
    /// Seconds a connection attempt may take, and the longest the start waits for the database to answer.
    package var connectTimeoutSeconds: Int

    package init(url: String, poolSize: Int = 20, statementTimeoutSeconds: Int = 30, connectTimeoutSeconds: Int = 10) {
        self.url = url
        self.poolSize = poolSize
        self.statementTimeoutSeconds = statementTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }
}
