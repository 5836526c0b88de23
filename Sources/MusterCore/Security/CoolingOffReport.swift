/// What every limiter refuses now: the provisioning sources and keys, the login accounts and sources cooling off.
/// The system administrator's console lists it beside the installation-wide audit.
package struct CoolingOffReport: Sendable {
    private let provisioning: ProvisionRateLimiter
    private let logins: LoginRateLimiter

    package init(provisioning: ProvisionRateLimiter, logins: LoginRateLimiter) {
        self.provisioning = provisioning
        self.logins = logins
    }

    /// The names refused at `now`, latest cooling-off end first, at most `limit` of each limiter.
    /// - Throws: A ``StoreFailureReporting`` error when shared counts cannot be read.
    package func current(now: Int64, limit: Int) async throws -> [CoolingOff] {
        let listed = try await provisioning.coolingOff(now: now, limit: limit) + logins.coolingOff(now: now, limit: limit)
        return listed.sorted { $0.until > $1.until }
    }
}
