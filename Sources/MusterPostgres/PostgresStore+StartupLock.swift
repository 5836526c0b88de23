import Logging
import PostgresNIO

extension PostgresStore {
    /// The session advisory lock key of a node's start-up (next to ``PostgresMigrations/lockKey``).
    static let startupLockKey: Int64 = PostgresMigrations.lockKey + 1

    /// Runs `body` holding a session advisory lock on a connection of its own, so that nodes starting at once on an
    /// empty database run it one after the other: the first creates the tenant, its admin and the JWT signing key,
    /// the next finds them.
    /// - Parameter options: The connect timeout of the lock's connection.
    /// - Throws: the database's error, or `body`'s; the lock is released either way (closing the connection would
    ///   release it too).
    package func withStartupLock<T>(options: PostgresStoreOptions, _ body: () async throws -> T) async throws -> T {
        var configuration = try url.connectionConfiguration(options)
        configuration.options.additionalStartupParameters.append(("application_name", "muster-startup"))
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_lock(\(Self.startupLockKey))", logger: logger)
            let result: T
            do {
                result = try await body()
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.startupLockKey))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.startupLockKey))", logger: logger)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
