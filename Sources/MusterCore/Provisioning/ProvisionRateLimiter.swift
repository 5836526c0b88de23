/// Counts failed provisioning attempts per source address and per key; past the threshold the source (or
/// key) is refused for a cooling-off period (Muster decision 7). Memory is bounded. Built from two
/// ``FailureCounter``s.
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

    private let configuration: Configuration
    private let sources: FailureCounter
    private let keys: FailureCounter

    package init(configuration: Configuration) {
        self.configuration = configuration
        sources = FailureCounter(limits: .init(
            limit: configuration.failuresPerSource, windowMilliseconds: configuration.windowMilliseconds,
            coolingOffMilliseconds: configuration.coolingOffMilliseconds, maxTracked: configuration.maxTracked))
        keys = FailureCounter(limits: .init(
            limit: configuration.failuresPerSource > 0 ? configuration.failuresPerKey : 0,
            windowMilliseconds: configuration.windowMilliseconds,
            coolingOffMilliseconds: configuration.coolingOffMilliseconds, maxTracked: configuration.maxTracked))
    }

    /// Seconds until `source` (or `key`) may try again, or `nil` when it may try now. A `nil` source or key is not
    /// checked.
    package func refusal(source: String?, key: String?, now: Int64) -> Int? {
        guard configuration.failuresPerSource > 0 else { return nil }
        var until: Int64 = 0
        if let source { until = sources.blockedUntil(source, now: now) ?? 0 }
        if let key, !key.isEmpty { until = max(until, keys.blockedUntil(key, now: now) ?? 0) }
        guard until > now else { return nil }
        return FailureCounter.seconds(from: now, until: until)
    }

    /// Counts one failure of `source` and `key`.
    package func recordFailure(source: String, key: String, now: Int64) {
        guard configuration.failuresPerSource > 0 else { return }
        sources.recordFailure(source, now: now)
        if !key.isEmpty { keys.recordFailure(key, now: now) }
    }
}
