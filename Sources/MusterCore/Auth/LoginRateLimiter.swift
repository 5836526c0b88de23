import Logging

/// Counts failed admin logins per account (the e-mail, case-folded) and per source address; past either limit
/// within the window, logins to that account (or from that source) are refused for a cooling-off period, even with
/// the right password. A successful login forgets its own account's failures only, never a source's. Counted in
/// memory (``FailureCounter``), or, with several nodes on one database, in its ``FailureCountStore``.
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
    private let shared: (any FailureCountStore)?
    private let logger: Logger

    /// - Parameters:
    ///   - shared: The database's failure counts, shared by every node; `nil` counts in this process.
    ///   - logger: Where a failure of the shared counts is logged.
    package init(
        configuration: Configuration, shared: (any FailureCountStore)? = nil,
        logger: Logger = Logger(label: "muster.limiter")
    ) {
        let enabled = configuration.failuresPerAccount > 0
        self.configuration = configuration
        self.shared = shared
        self.logger = logger
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
    ///
    /// With shared counts this is one read of the database for both names; when the database cannot answer, the
    /// login goes on (`nil`, logged): it needs the same database to look the account up.
    package func refusal(account: String, source: String, now: Int64) async -> Refusal? {
        let accountUntil: Int64
        let sourceUntil: Int64
        if let shared {
            let accountName = FailureCountName(.loginAccount, Self.accountKey(account))
            let sourceName = FailureCountName(.loginSource, source)
            var names: [FailureCountName] = []
            if accounts.limits.limit > 0 { names.append(accountName) }
            if sources.limits.limit > 0 { names.append(sourceName) }
            guard !names.isEmpty else { return nil }
            do {
                let blocked = try await shared.blockedUntil(names, now: now)
                accountUntil = blocked[accountName] ?? 0
                sourceUntil = blocked[sourceName] ?? 0
            } catch {
                logger.warning("shared failure counts unavailable, login not checked", metadata: ["error": "\(error)"])
                return nil
            }
        } else {
            accountUntil = accounts.blockedUntil(Self.accountKey(account), now: now) ?? 0
            sourceUntil = sources.blockedUntil(source, now: now) ?? 0
        }
        let until = max(accountUntil, sourceUntil)
        guard until > now else { return nil }
        return Refusal(
            scope: accountUntil >= sourceUntil ? .account : .source,
            retryAfterSeconds: FailureCounter.seconds(from: now, until: until))
    }

    /// The accounts and sources refused at `now`, latest cooling-off end first, at most `limit`: on every node when
    /// the counts are shared.
    /// - Throws: A ``StoreFailureReporting`` error when the shared counts cannot be read.
    package func coolingOff(now: Int64, limit: Int) async throws -> [CoolingOff] {
        if let shared { return try await shared.blocked(scopes: [.loginAccount, .loginSource], now: now, limit: limit) }
        let listed = accounts.blocked(now: now, limit: limit).map { CoolingOff(scope: .loginAccount, name: $0.name, until: $0.until) }
            + sources.blocked(now: now, limit: limit).map { CoolingOff(scope: .loginSource, name: $0.name, until: $0.until) }
        return Array(listed.sorted { $0.until > $1.until }.prefix(limit))
    }

    /// Counts one failed login (with shared counts: one write for both names; a failure of the database is
    /// logged and not counted).
    /// - Returns: The locks this failure started (empty when none did).
    package func recordFailure(account: String, source: String, now: Int64) async -> [Scope] {
        guard let shared else {
            var started: [Scope] = []
            if accounts.recordFailure(Self.accountKey(account), now: now) { started.append(.account) }
            if sources.recordFailure(source, now: now) { started.append(.source) }
            return started
        }
        let accountName = FailureCountName(.loginAccount, Self.accountKey(account))
        let sourceName = FailureCountName(.loginSource, source)
        var failures: [CountedFailure] = []
        if accounts.limits.limit > 0 { failures.append(CountedFailure(accountName, limits: accounts.limits)) }
        if sources.limits.limit > 0 { failures.append(CountedFailure(sourceName, limits: sources.limits)) }
        guard !failures.isEmpty else { return [] }
        do {
            let started = try await shared.recordFailure(failures, now: now)
            return (started.contains(accountName) ? [.account] : []) + (started.contains(sourceName) ? [.source] : [])
        } catch {
            logger.warning("shared failure counts unavailable, failed login not counted", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Forgets the failed logins of `account` after a successful login; sources keep their counts.
    package func recordSuccess(account: String) async {
        guard let shared else {
            accounts.reset(Self.accountKey(account))
            return
        }
        guard accounts.limits.limit > 0 else { return }
        do {
            try await shared.reset(FailureCountName(.loginAccount, Self.accountKey(account)))
        } catch {
            logger.warning("shared failure counts unavailable, account not reset", metadata: ["error": "\(error)"])
        }
    }
}
