import Logging
import MusterPostgres
import PostgresNIO

extension PostgresTestCluster {
    /// Runs `body` on a connection of its own to the database `url` names (a test's look behind the server's back).
    private static func withConnection<T: Sendable>(
        to url: String, _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "postgres-test")
        let configuration = try PostgresDatabaseURL(url).connectionConfiguration(PostgresStoreOptions())
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection, logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The number of rows of `table` (a name from the schema, with an optional `WHERE …`: test text, never input) in
    /// the database `url` names.
    package static func rowCount(_ table: String, database url: String) async throws -> Int {
        try await withConnection(to: url) { connection, logger in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
            var count = 0
            for try await row in rows { count = try row.decode(Int.self) }
            return count
        }
    }

    /// The process ids of the connections to the database `url` names whose `application_name` begins with `prefix`
    /// (a node's is `muster-listen NAME #INSTANCE`) and which have run `LISTEN` (their last statement, done, or the
    /// `SELECT 1` heartbeats and `pg_notify` acknowledgements after it).
    package static func listeners(applicationNamePrefix prefix: String, database url: String) async throws -> [Int32] {
        try await withConnection(to: url) { connection, logger in
            let rows = try await connection.query(
                """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND starts_with(application_name, \(prefix)) AND state = 'idle'
                    AND (query LIKE 'LISTEN%' OR query = 'SELECT 1' OR query LIKE 'SELECT pg_notify%')
                ORDER BY pid
                """,
                logger: logger)
            var pids: [Int32] = []
            for try await row in rows { pids.append(try row.decode(Int32.self)) }
            return pids
        }
    }

    /// Ends the server process of connection `pid` (`pg_terminate_backend`), as a crash or an administrator would,
    /// and waits (at most 5 s) until it is gone.
    /// - Returns: whether it was there to end.
    @discardableResult
    package static func terminateBackend(_ pid: Int32, database url: String) async throws -> Bool {
        try await withConnection(to: url) { connection, logger in
            var terminated = false
            for try await row in try await connection.query("SELECT pg_terminate_backend(\(pid))", logger: logger) {
                terminated = try row.decode(Bool.self)
            }
            for _ in 0..<100 {
                var alive = false
                for try await row in try await connection.query(
                    "SELECT count(*) > 0 FROM pg_stat_activity WHERE pid = \(pid)", logger: logger)
                {
                    alive = try row.decode(Bool.self)
                }
                if !alive { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            return terminated
        }
    }
}
