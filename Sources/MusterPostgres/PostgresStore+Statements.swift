import PostgresNIO

extension PostgresStore {
    /// Runs `body` in one transaction; a thrown error rolls it back. A violated constraint is translated by
    /// `translate` after the rollback, so a refused write never leaves part of itself behind; any other error is
    /// rethrown as the server's error (``serverError(_:)``), not PostgresNIO's transaction wrapper.
    /// - Parameters:
    ///   - translate: The result for a violated constraint, or `nil` to rethrow the error.
    ///   - body: The transaction.
    func transaction<T: Sendable>(
        onViolation translate: (PostgresConstraint) -> T? = { _ in nil },
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await bounded { [client, logger] in
                try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            }
        } catch {
            if let constraint = PostgresConstraint(error), let result = translate(constraint) { return result }
            throw Self.unwrapped(error)
        }
    }

    /// Runs one statement outside an explicit transaction (a single statement is atomic), translating a violated
    /// constraint as ``transaction(onViolation:_:)`` does.
    func execute<T: Sendable>(
        _ query: PostgresQuery, onViolation translate: (PostgresConstraint) -> T?, otherwise result: T
    ) async throws -> T {
        do {
            try await bounded { [client, logger] in _ = try await client.query(query, logger: logger) }
            return result
        } catch {
            if let constraint = PostgresConstraint(error), let result = translate(constraint) { return result }
            throw Self.unwrapped(error)
        }
    }

    /// Runs one statement outside an explicit transaction and ignores its rows, bounded as every statement is
    /// (``bounded(_:)``); throws the server's error.
    func statement(_ query: PostgresQuery) async throws {
        do {
            try await bounded { [client, logger] in _ = try await client.query(query, logger: logger) }
        } catch {
            throw Self.unwrapped(error)
        }
    }

    /// Runs the reads of `body` on one `REPEATABLE READ` snapshot, so that several statements agree (a page's total
    /// and its rows), as one SQLite read transaction does.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await bounded { [client, logger] in try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            } }
        } catch {
            throw Self.unwrapped(error)
        }
    }

    /// The rows of `query` decoded by `decode`.
    func rows<T>(
        _ query: PostgresQuery, on connection: PostgresConnection? = nil, _ decode: (PostgresRow) throws -> T
    ) async throws -> [T] {
        if let connection {
            var result: [T] = []
            for try await row in try await connection.query(query, logger: logger) { result.append(try decode(row)) }
            return result
        }
        let rows = try await bounded { [client, logger] in
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        }
        return try rows.map(decode)
    }

    /// `operation` waited for at most ``operationLimit``: after it the caller gets
    /// ``PostgresStoreError/timedOut(seconds:)`` (503), and a cancelled caller is answered at once. While the primary
    /// of a multi-host URL is being looked for it throws ``PostgresStoreError/noPrimary`` at once, and an
    /// unavailable-class failure starts that search (``PostgresPrimary/bounded(_:onTimeout:_:)``).
    func bounded<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let limit = operationLimit
        let logger = logger
        return try await primary.bounded(
            limit,
            onTimeout: {
                logger.warning(
                    "postgres: a statement got no answer in time; the request is refused (503) and the statement left",
                    metadata: ["limit": "\(limit.map { "\($0)" } ?? "none")"])
                return PostgresStoreError.timedOut(seconds: limit?.components.seconds ?? 0)
            }, operation)
    }

    /// How many rows `query` returned (a write's `RETURNING 1`: how many rows it changed).
    ///
    /// Without a connection the statement runs in a transaction of its own, and counts only once its `COMMIT` is
    /// answered: in autocommit, `RETURNING` rows arrive before the commit is durable (with a synchronous standby,
    /// before the standby has it), and a connection the server ends at that moment (a failover) must not read as a
    /// write that happened.
    func rowCount(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> Int {
        if let connection { return try await rows(query, on: connection) { _ in 0 }.count }
        return try await transaction { [self] connection in try await rows(query, on: connection) { _ in 0 }.count }
    }

    /// The first column of the first row of `query`, or `nil` when it has no row.
    func scalar<T: PostgresDecodable>(
        _ type: T.Type, _ query: PostgresQuery, on connection: PostgresConnection? = nil
    ) async throws -> T? {
        try await rows(query, on: connection) { try $0.decode(T.self) }.first
    }

    /// The server's error behind `error`: itself, or what failed inside a PostgresNIO transaction.
    static func serverError(_ error: any Error) -> PSQLError? {
        unwrapped(error) as? PSQLError
    }

    /// `error`, or the error a failed transaction wraps (its body's, else its commit's, else its begin's).
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
    }
}
