import MusterCore
import PostgresNIO

extension PostgresStore: HealthCheckStore {
    /// `SELECT 1` through the primary's pool: a connection can be leased (or made) and the server answers; while
    /// the primary is being looked for (a failover), not.
    package func checkHealth() async throws {
        try await statement("SELECT 1")
    }
}
