/// Counts failed admin logins per account (the e-mail, case-folded) and per source address; past either limit
/// within the window, logins to that account (or from that source) are refused for a cooling-off period, even with
/// the right password. A successful login forgets its own account's failures only, never a source's.
package final class LoginRateLimiter: Sendable {
    /// The limiter's settings.
    package struct Configuration: Sendable, Hashable {
        /// Failed logins per account per window before the account is refused; 0 turns the limiter off.
        package var failuresPerAccount: Int
        /// Failed logins per source address per window before the source is refused (0: not counted).
        package var failuresPerSource: Int
        /// The counting window, in milliseconds.
        package var windowMilliseconds: Int64
        /// How long a refused account or source stays refused, in milliseconds.
        package var coolingOffMilliseconds: Int64
        /// The most accounts, and the most sources, tracked at once.
        package var maxTracked: Int

        package init(
            failuresPerAccount: Int = 5, failuresPerSource: Int = 20, windowMilliseconds: Int64 = 900_000,
            coolingOffMilliseconds: Int64 = 900_000, maxTracked: Int = 100_000
        ) {
            self.failuresPerAccount = failuresPerAccount
            self.failuresPerSource = failuresPerSource
            self.windowMilliseconds = windowMilliseconds
            self.coolingOffMilliseconds = coolingOffMilliseconds
            self.maxTracked = maxTracked
        }

        /// No limit.
        package static let off = Configuration(failuresPerAccount: 0, failuresPerSource: 0)
    }

    /// What a refusal or a lockout is about.
    package enum Scope: String, Sendable, Hashable, CaseIterable {
        /// The account (too many failed logins to it, from anywhere).
        case account = "ACCOUNT_LOCKED"
        /// The source address (too many failed logins from it, to any account).
        case source = "SOURCE_LOCKED"
    }

    /// Why a login is refused before its password is checked.
    package struct Refusal: Sendable, Hashable {
        /// The account's, or else the source's, lock.
        package var scope: Scope
        /// Whole seconds until a login may be tried again (the `Retry-After` value).
        package var retryAfterSeconds: Int

        package init(scope: Scope, retryAfterSeconds: Int) {
            self.scope = scope
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    package let configuration: Configuration
    private let accounts: FailureCounter
    private let sources: FailureCounter

    package init(configuration: Configuration) {
        let enabled = configuration.failuresPerAccount > 0
        self.configuration = configuration
        accounts = FailureCounter(limits: .init(
            limit: configuration.failuresPerAccount, windowMilliseconds: configuration.windowMilliseconds,
            coolingOffMilliseconds: configuration.coolingOffMilliseconds, maxTracked: configuration.maxTracked))
        sources = FailureCounter(limits: .init(
            limit: enabled ? configuration.failuresPerSource : 0, windowMilliseconds: configuration.windowMilliseconds,
            coolingOffMilliseconds: configuration.coolingOffMilliseconds, maxTracked: configuration.maxTracked))
    }

    /// The key an e-mail is counted under: case-folded, so `Admin@X` and `admin@x` share one count, and cut to 256
    /// characters (an address has at most 254), so that tracked keys stay small whatever a client sends.
    package static func accountKey(_ email: String) -> String {
        String(email.lowercased().prefix(256))
    }

    /// Whether a login to `account` from `source` is refused now; the later of the two locks is reported.
    package func refusal(account: String, source: String, now: Int64) -> Refusal? {
        let accountUntil = accounts.blockedUntil(Self.accountKey(account), now: now) ?? 0
        let sourceUntil = sources.blockedUntil(source, now: now) ?? 0
        let until = max(accountUntil, sourceUntil)
        guard until > now else { return nil }
        return Refusal(
            scope: accountUntil >= sourceUntil ? .account : .source,
            retryAfterSeconds: FailureCounter.seconds(from: now, until: until))
    }

    /// Counts one failed login.
    /// - Returns: The locks this failure started (empty when none did).
    package func recordFailure(account: String, source: String, now: Int64) -> [Scope] {
        var started: [Scope] = []
        if accounts.recordFailure(Self.accountKey(account), now: now) { started.append(.account) }
        if sources.recordFailure(source, now: now) { started.append(.source) }
        return started
    }

    /// Forgets the failed logins of `account` after a successful login; sources keep their counts.
    package func recordSuccess(account: String) {
        accounts.reset(Self.accountKey(account))
    }
}
