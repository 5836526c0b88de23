/// Whether this node can reach its database now: what a load balancer asks through `GET /api/health`.
package protocol HealthCheckStore: Sendable {
    /// Runs the cheapest statement the database answers (`SELECT 1`), through the store's own connections (the
    /// pool on PostgreSQL), so that a pool that cannot connect is reported as such.
    /// - Throws: The store's error when the database does not answer (a ``StoreFailureReporting`` for a database
    ///   that is unreachable, busy or failing).
    func checkHealth() async throws
}
