import Synchronization

/// Counts failures per name (a source address, a provisioning key, an account) within a window; the failure that
/// reaches the limit starts a cooling-off period during which the name is refused. Memory is bounded. The
/// provisioning and login limiters are built from it.
package final class FailureCounter: Sendable {
    /// The counter's settings.
    package struct Limits: Sendable, Hashable {
        /// Failures per name per window before the name is refused; 0 turns counting off.
        package var limit: Int
        /// The counting window, in milliseconds.
        package var windowMilliseconds: Int64
        /// How long a refused name stays refused, in milliseconds.
        package var coolingOffMilliseconds: Int64
        /// The most names tracked at once; past it, names not cooling off are forgotten, and when every tracked name
        /// is cooling off a new name is not counted.
        package var maxTracked: Int

        package init(limit: Int, windowMilliseconds: Int64, coolingOffMilliseconds: Int64, maxTracked: Int = 100_000) {
            self.limit = limit
            self.windowMilliseconds = windowMilliseconds
            self.coolingOffMilliseconds = coolingOffMilliseconds
            self.maxTracked = maxTracked
        }
    }

    private struct Counter {
        var windowStart: Int64
        var failures: Int
        var blockedUntil: Int64
    }

    package let limits: Limits
    private let counters = Mutex([String: Counter]())

    package init(limits: Limits) {
        self.limits = limits
    }

    /// Milliseconds since the epoch until which `name` is refused, or `nil` when it may try now.
    package func blockedUntil(_ name: String, now: Int64) -> Int64? {
        guard limits.limit > 0 else { return nil }
        let until = counters.withLock { $0[name]?.blockedUntil ?? 0 }
        return until > now ? until : nil
    }

    /// The names refused at `now`, each with the time until which it is refused, latest first, at most `limit`.
    package func blocked(now: Int64, limit: Int) -> [(name: String, until: Int64)] {
        guard limits.limit > 0 else { return [] }
        let names = counters.withLock { counters in
            counters.compactMap { $0.value.blockedUntil > now ? (name: $0.key, until: $0.value.blockedUntil) : nil }
        }
        return Array(names.sorted { ($0.until, $0.name) > ($1.until, $1.name) }.prefix(limit))
    }

    /// Counts one failure of `name`.
    /// - Returns: `true` when this failure reached the limit and started a cooling-off period.
    @discardableResult
    package func recordFailure(_ name: String, now: Int64) -> Bool {
        guard limits.limit > 0 else { return false }
        return counters.withLock { counters in
            if counters[name] == nil, counters.count >= limits.maxTracked {
                counters = counters.filter { $0.value.blockedUntil > now }
                if counters.count >= limits.maxTracked { return false }
            }
            var counter = counters[name] ?? Counter(windowStart: now, failures: 0, blockedUntil: 0)
            if now - counter.windowStart >= limits.windowMilliseconds {
                counter.windowStart = now
                counter.failures = 0
            }
            counter.failures += 1
            var started = false
            if counter.failures >= limits.limit {
                started = counter.blockedUntil <= now
                counter.blockedUntil = now + limits.coolingOffMilliseconds
            }
            counters[name] = counter
            return started
        }
    }

    /// Forgets the failures of `name` (a successful login to an account that is not cooling off).
    package func reset(_ name: String) {
        _ = counters.withLock { $0.removeValue(forKey: name) }
    }

    /// Whole seconds from `now` until `until`, rounded up (a `Retry-After` value).
    package static func seconds(from now: Int64, until: Int64) -> Int {
        Int((until - now + 999) / 1000)
    }
}
