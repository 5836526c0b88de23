import Logging
import MusterCore
import PostgresNIO
import Synchronization

/// ``FailureCountStore`` on PostgreSQL: the limiters' counts in `failure_counts`, shared by every node on the
/// database, so that failures spread over several nodes add up as on one.
///
/// - The check before an attempt is one read of the primary key for all its names (source and key, or account and
///   source). A name this node saw blocked (read, or blocked by a failure it recorded) is remembered until its
///   cooling-off ends and refused without asking the database: an attacker hammering a blocked name costs the
///   database nothing. The memory is bounded (``localCapacity`` names).
/// - A failure is one statement for all its names: a multi-row `INSERT … ON CONFLICT (scope, name) DO UPDATE` that
///   restarts an expired window, counts, blocks the name when the count reaches the limit and returns whether this
///   failure started the cooling-off. Rows are written in one order (scope, name), so concurrent failures never
///   wait on each other in a cycle.
/// - The table stays small: names are cut to ``FailureCountName/maximumLength`` characters, and at most once a
///   minute a node that records a failure deletes the rows whose window and cooling-off have both ended (one
///   indexed `DELETE`).
package final class PostgresFailureCountStore: FailureCountStore {
    /// The most blocked names one node remembers.
    package static let localCapacity = 10_000
    /// How often a node deletes expired rows (when it records failures).
    package static let pruneIntervalMilliseconds: Int64 = 60_000

    private struct Local {
        /// Names seen blocked, with the time until which they are blocked.
        var blocked: [FailureCountName: Int64] = [:]
        /// When this node last deleted expired rows.
        var lastPrune: Int64 = 0
    }

    private let primary: PostgresPrimary
    private var client: PostgresClient { primary.client }
    private let logger: Logger
    private let local = Mutex(Local())

    init(primary: PostgresPrimary, logger: Logger) {
        self.primary = primary
        self.logger = logger
    }

    package func blockedUntil(_ names: [FailureCountName], now: Int64) async throws -> [FailureCountName: Int64] {
        guard !names.isEmpty else { return [:] }
        let known: [FailureCountName: Int64] = local.withLock { local in
            var known: [FailureCountName: Int64] = [:]
            for name in names { if let until = local.blocked[name], until > now { known[name] = until } }
            return known
        }
        if !known.isEmpty { return known }
        let statement = SQLBuilder()
        statement.append("SELECT scope, name, blocked_until FROM failure_counts WHERE blocked_until > \(statement.bind(now)) AND (")
        for (index, name) in names.enumerated() {
            if index > 0 { statement.append(" OR ") }
            statement.append(
                "(scope = \(statement.bind(name.scope.rawValue)) AND name = \(statement.bind(name.name)))")
        }
        statement.append(")")
        let rows = try await run(statement.query) { row -> (FailureCountName, Int64)? in
            let (scope, name, until) = try row.decode((String, String, Int64).self)
            return FailureScope(rawValue: scope).map { (FailureCountName($0, name), until) }
        }
        let blocked = Dictionary(rows.compactMap { $0 }, uniquingKeysWith: max)
        remember(blocked, now: now)
        return blocked
    }

    package func blocked(scopes: [FailureScope], now: Int64, limit: Int) async throws -> [CoolingOff] {
        guard !scopes.isEmpty, limit > 0 else { return [] }
        let statement = SQLBuilder()
        statement.append("SELECT scope, name, blocked_until FROM failure_counts WHERE blocked_until > \(statement.bind(now))")
        statement.append(" AND scope = ANY(\(statement.bind(scopes.map(\.rawValue))))")
        statement.append(" ORDER BY blocked_until DESC, name DESC LIMIT \(statement.bind(Int64(limit)))")
        return try await run(statement.query) { row -> CoolingOff? in
            let (scope, name, until) = try row.decode((String, String, Int64).self)
            return FailureScope(rawValue: scope).map { CoolingOff(scope: $0, name: name, until: until) }
        }.compactMap { $0 }
    }

    package func recordFailure(_ failures: [CountedFailure], now: Int64) async throws -> Set<FailureCountName> {
        guard !failures.isEmpty else { return [] }
        let ordered = failures.sorted { ($0.name.scope.rawValue, $0.name.name) < ($1.name.scope.rawValue, $1.name.name) }
        let statement = SQLBuilder()
        let nowParameter = statement.bind(now)
        statement.append(
            "INSERT INTO failure_counts AS f (scope, name, window_start, failures, blocked_until, previous_blocked_until, "
                + "failure_limit, window_ms, cooling_off_ms, expires_at) VALUES ")
        for (index, failure) in ordered.enumerated() {
            let limits = failure.limits
            // A name's first failure (or its first since its row was deleted): a count of 1.
            let blocked = limits.limit <= 1 ? now + limits.coolingOffMilliseconds : 0
            if index > 0 { statement.append(", ") }
            statement.append(
                "(\(statement.bind(failure.name.scope.rawValue)), \(statement.bind(failure.name.name)), \(nowParameter), 1, "
                    + "\(statement.bind(blocked)), 0, \(statement.bind(Int64(limits.limit))), "
                    + "\(statement.bind(limits.windowMilliseconds)), \(statement.bind(limits.coolingOffMilliseconds)), "
                    + "\(statement.bind(max(now + limits.windowMilliseconds, blocked))))")
        }
        statement.append(" ON CONFLICT (scope, name) DO UPDATE SET \(Self.countingAssignments) RETURNING scope, name, blocked_until, ")
        statement.append("failures >= failure_limit AND previous_blocked_until <= \(nowParameter)")
        let rows = try await run(statement.query) { row -> (FailureCountName, Int64, Bool)? in
            let (scope, name, until, started) = try row.decode((String, String, Int64, Bool).self)
            return FailureScope(rawValue: scope).map { (FailureCountName($0, name), until, started) }
        }.compactMap { $0 }
        remember(Dictionary(rows.filter { $0.1 > now }.map { ($0.0, $0.1) }, uniquingKeysWith: max), now: now)
        await pruneIfDue(now: now)
        return Set(rows.filter(\.2).map(\.0))
    }

    package func reset(_ name: FailureCountName) async throws {
        _ = local.withLock { $0.blocked.removeValue(forKey: name) }
        _ = try await run(
            "DELETE FROM failure_counts WHERE scope = \(name.scope.rawValue) AND name = \(name.name)") { _ in () }
    }

    /// The `SET` of a failure of a name already counted: ``FailureCounter``'s rule, on the row as it is now (the
    /// proposed row, `EXCLUDED`, carries the failure's time in `window_start` and its rule).
    private static let countingAssignments: String = {
        let restarts = "EXCLUDED.window_start - f.window_start >= EXCLUDED.window_ms"
        let windowStart = "CASE WHEN \(restarts) THEN EXCLUDED.window_start ELSE f.window_start END"
        let failures = "CASE WHEN \(restarts) THEN 1 ELSE f.failures + 1 END"
        let blockedUntil =
            "CASE WHEN \(failures) >= EXCLUDED.failure_limit "
            + "THEN EXCLUDED.window_start + EXCLUDED.cooling_off_ms ELSE f.blocked_until END"
        return [
            "window_start = \(windowStart)",
            "failures = \(failures)",
            "blocked_until = \(blockedUntil)",
            "previous_blocked_until = f.blocked_until",
            "failure_limit = EXCLUDED.failure_limit",
            "window_ms = EXCLUDED.window_ms",
            "cooling_off_ms = EXCLUDED.cooling_off_ms",
            "expires_at = greatest(\(windowStart) + EXCLUDED.window_ms, \(blockedUntil))",
        ].joined(separator: ", ")
    }()

    /// Deletes the rows whose window and cooling-off have ended, at most once per ``pruneIntervalMilliseconds``
    /// on this node. A failure here is logged: the rows go with a later failure.
    private func pruneIfDue(now: Int64) async {
        let due = local.withLock { local in
            guard now - local.lastPrune >= Self.pruneIntervalMilliseconds else { return false }
            local.lastPrune = now
            return true
        }
        guard due else { return }
        do {
            _ = try await run("DELETE FROM failure_counts WHERE expires_at <= \(now)") { _ in () }
        } catch {
            logger.warning("expired failure counts not deleted", metadata: ["error": "\(error)"])
        }
    }

    /// Remembers names seen blocked, within ``localCapacity`` (names whose cooling-off ended go first).
    private func remember(_ blocked: [FailureCountName: Int64], now: Int64) {
        guard !blocked.isEmpty else { return }
        local.withLock { local in
            for (name, until) in blocked {
                if local.blocked[name] == nil, local.blocked.count >= Self.localCapacity {
                    local.blocked = local.blocked.filter { $0.value > now }
                    if local.blocked.count >= Self.localCapacity { return }
                }
                local.blocked[name] = max(until, local.blocked[name] ?? 0)
            }
        }
    }

    /// The rows of one statement, with the server's error (not PostgresNIO's wrapper) thrown.
    private func run<T>(_ query: PostgresQuery, _ decode: (PostgresRow) throws -> T) async throws -> [T] {
        do {
            // Bounded, and abandoned when the primary goes away, as the store's statements are.
            let rows = try await primary.bounded(.seconds(35), onTimeout: { PostgresStoreError.timedOut(seconds: 35) }) {
                [client, logger] in
                var rows: [PostgresRow] = []
                for try await row in try await client.query(query, logger: logger) { rows.append(row) }
                return rows
            }
            return try rows.map(decode)
        } catch {
            throw PostgresStore.unwrapped(error)
        }
    }
}
