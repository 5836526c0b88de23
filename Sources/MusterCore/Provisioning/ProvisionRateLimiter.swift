import Synchronization

/// Counts failed provisioning attempts per source address and per key; past the threshold the source (or
/// key) is refused for a cooling-off period (Muster decision 7). Memory is bounded.
package final class ProvisionRateLimiter: Sendable {
    /// The limiter's settings.
    package struct Configuration: Sendable, Hashable {
        /// Failures per source per window before the source is refused; 0 turns the limiter off.
        package var failuresPerSource: Int
        /// Failures per key per window before the key is refused (distributed guessing of one key).
        package var failuresPerKey: Int
        /// The counting window, in milliseconds.
        package var windowMilliseconds: Int64
        /// How long a refused source or key stays refused, in milliseconds.
        package var coolingOffMilliseconds: Int64
        /// The most sources and keys tracked at once.
        package var maxTracked: Int

        package init(
            failuresPerSource: Int = 30, failuresPerKey: Int? = nil, windowMilliseconds: Int64 = 60_000,
            coolingOffMilliseconds: Int64 = 60_000, maxTracked: Int = 100_000
        ) {
            self.failuresPerSource = failuresPerSource
            self.failuresPerKey = failuresPerKey ?? failuresPerSource * 5
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

    private struct State {
        var sources: [String: Counter] = [:]
        var keys: [String: Counter] = [:]
    }

    private let configuration: Configuration
    private let state = Mutex(State())

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Seconds until `source` (or `key`) may try again, or `nil` when it may try now.
    package func refusal(source: String, key: String?, now: Int64) -> Int? {
        guard configuration.failuresPerSource > 0 else { return nil }
        return state.withLock { state in
            var until = state.sources[source]?.blockedUntil ?? 0
            if let key, !key.isEmpty { until = max(until, state.keys[key]?.blockedUntil ?? 0) }
            guard until > now else { return nil }
            return Int((until - now + 999) / 1000)
        }
    }

    /// Counts one failure of `source` and `key`.
    package func recordFailure(source: String, key: String, now: Int64) {
        guard configuration.failuresPerSource > 0 else { return }
        state.withLock { state in
            count(&state.sources, source, limit: configuration.failuresPerSource, now: now)
            if !key.isEmpty { count(&state.keys, key, limit: configuration.failuresPerKey, now: now) }
        }
    }

    private func count(_ counters: inout [String: Counter], _ name: String, limit: Int, now: Int64) {
        if counters[name] == nil, counters.count >= configuration.maxTracked {
            counters = counters.filter { $0.value.blockedUntil > now }
            if counters.count >= configuration.maxTracked { return }
        }
        var counter = counters[name] ?? Counter(windowStart: now, failures: 0, blockedUntil: 0)
        if now - counter.windowStart >= configuration.windowMilliseconds {
            counter.windowStart = now
            counter.failures = 0
        }
        counter.failures += 1
        if counter.failures >= limit { counter.blockedUntil = now + configuration.coolingOffMilliseconds }
        counters[name] = counter
    }
}
