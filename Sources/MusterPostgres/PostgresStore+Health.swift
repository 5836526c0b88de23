import MusterCore
import PostgresNIO

extension PostgresStore: HealthCheckStore {
    /// `SELECT 1` through the pool: a connection can be leased (or made) and the server answers.
    package func checkHealth() async throws {
        do {
            try await client.query("SELECT 1", logger: logger)
        } catch {
            throw Self.unwrapped(error)
        }
    }
}
