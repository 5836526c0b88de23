/// What a failure count is about: which limiter counts it, and what kind of name it holds.
package enum FailureScope: String, Sendable, Hashable, CaseIterable {
    /// Failed provisioning attempts from a source address.
    case provisionSource = "PROVISION_SOURCE"
    /// Failed provisioning attempts naming a provision key.
    case provisionKey = "PROVISION_KEY"
    /// Failed admin logins to an account (its case-folded e-mail).
    case loginAccount = "LOGIN_ACCOUNT"
    /// Failed admin logins from a source address.
    case loginSource = "LOGIN_SOURCE"
}

/// One counted name in its scope, as a ``FailureCountStore`` keys it.
package struct FailureCountName: Sendable, Hashable {
    /// The most characters of a name that are kept: longer names are cut, so that whatever a client sends (a
    /// provision key of a megabyte) a stored name stays small. Names sharing their first 256 characters share one
    /// count.
    package static let maximumLength = 256

    package var scope: FailureScope
    /// The name, cut to ``maximumLength`` characters, with any NUL character replaced by U+FFFD (PostgreSQL's text
    /// cannot hold NUL, and a name a database refused would escape counting).
    package private(set) var name: String

    package init(_ scope: FailureScope, _ name: String) {
        self.scope = scope
        let cut = name.prefix(Self.maximumLength)
        self.name = cut.contains("\u{0}") ? String(cut.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }) : String(cut)
    }
}

/// One failure to count: the name and the rule it is counted by.
package struct CountedFailure: Sendable, Hashable {
    package var name: FailureCountName
    /// The counting rule (``FailureCounter/Limits``; its `maxTracked` is the in-memory counter's and is ignored
    /// by a shared store, which bounds itself by time). A limit of 0 is not counted: leave such names out.
    package var limits: FailureCounter.Limits

    package init(_ name: FailureCountName, limits: FailureCounter.Limits) {
        self.name = name
        self.limits = limits
    }
}

/// Failure counts shared by every node on one database, so that the provisioning and login limiters refuse an
/// attacker who spreads guesses over several nodes after the same number of failures as one node would.
///
/// Not part of ``MusterStore``: the embedded SQLite server is one process and keeps its counts in memory
/// (``FailureCounter``); the PostgreSQL store provides one. The counting rule is ``FailureCounter``'s, for every
/// name in every scope:
///
/// - A failure counts in the name's window; the first failure after the window (`windowMilliseconds` after its
///   first failure) starts a new window with a count of 1.
/// - The failure that brings the count to `limit` blocks the name until `now + coolingOffMilliseconds`; a later
///   failure in the same window (a concurrent attempt that had passed the check) moves that time on again.
/// - Counting is atomic: concurrent failures of one name from any number of nodes all count.
///
/// Times are the caller's clock (milliseconds since the epoch): nodes must keep their clocks in step (NTP), as
/// they must for tokens anyway.
package protocol FailureCountStore: Sendable {
    /// The names of `names` that are blocked at `now`, each with the time (milliseconds since the epoch) until
    /// which it is blocked; names not blocked are absent. One read for all names.
    /// - Throws: A ``StoreFailureReporting`` error when the database cannot answer.
    func blockedUntil(_ names: [FailureCountName], now: Int64) async throws -> [FailureCountName: Int64]

    /// The names of `scopes` blocked at `now` on any node, latest cooling-off end first, at most `limit`.
    /// - Throws: A ``StoreFailureReporting`` error when the database cannot answer.
    func blocked(scopes: [FailureScope], now: Int64, limit: Int) async throws -> [CoolingOff]

    /// Counts one failure of each of `failures` (each name at most once), in one atomic write.
    /// - Returns: The names whose cooling-off this failure started (it reached the limit while the name was not
    ///   already blocked).
    /// - Throws: A ``StoreFailureReporting`` error when the database cannot answer; then nothing was counted, or
    ///   (a lost commit) everything was.
    func recordFailure(_ failures: [CountedFailure], now: Int64) async throws -> Set<FailureCountName>

    /// Forgets the failures of `name` (a successful login), including a cooling-off.
    /// - Throws: A ``StoreFailureReporting`` error when the database cannot answer.
    func reset(_ name: FailureCountName) async throws
}

/// A name refused by a limiter until a time: what the system administrator's console lists as the cooling-off
/// sources, keys and accounts.
package struct CoolingOff: Sendable, Hashable {
    package var scope: FailureScope
    package var name: String
    /// Milliseconds since the epoch.
    package var until: Int64

    package init(scope: FailureScope, name: String, until: Int64) {
        self.scope = scope
        self.name = name
        self.until = until
    }
}
