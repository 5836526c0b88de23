import Logging
import Synchronization

/// Counts failed provisioning attempts per source address and per key; past the threshold the source (or
/// key) is refused for a cooling-off period (Muster decision 7). Counted in memory by two ``FailureCounter``s
/// (memory bounded), or, with several nodes on one database, in the database's ``FailureCountStore``, so that
/// failures on every node add up.
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
        /// The most sources and keys tracked at once (in memory).
        package var maxTracked: Int
        /// With shared counts: how long a name read as not refused is taken as not refused without reading the
        /// database again, in milliseconds (0: every attempt reads). A failure counted on this node forgets its
        /// names at once; a refusal that failures on another node started is seen at most this much later.
        package var sharedCheckCacheMilliseconds: Int64 = 250

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
    private let shared: (any FailureCountStore)?
    private let logger: Logger
    /// With shared counts: the names read as not refused, and when (``Configuration/sharedCheckCacheMilliseconds``).
    private let notRefused = Mutex([FailureCountName: Int64]())

    /// - Parameters:
    ///   - shared: The database's failure counts, shared by every node; `nil` counts in this process.
    ///   - logger: Where a failure of the shared counts is logged (the attempt goes on: see ``refusal(source:key:now:)``).
    package init(
        configuration: Configuration, shared: (any FailureCountStore)? = nil,
        logger: Logger = Logger(label: "muster.limiter")
    ) {
        self.configuration = configuration
        self.shared = shared
        self.logger = logger
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
    ///
    /// With shared counts this is one read of the database for both names. When the database cannot answer, the
    /// attempt goes on (`nil`, logged): the attempt itself needs the same database and will be answered
    /// "unavailable", so refusing would only turn an outage into a second, misleading answer.
    package func refusal(source: String?, key: String?, now: Int64) async -> Int? {
        guard configuration.failuresPerSource > 0 else { return nil }
        var until: Int64 = 0
        if let shared {
            var names: [FailureCountName] = []
            if let source { names.append(FailureCountName(.provisionSource, source)) }
            if let key, !key.isEmpty, keys.limits.limit > 0 { names.append(FailureCountName(.provisionKey, key)) }
            guard !names.isEmpty else { return nil }
            // Names read as not refused a moment ago are not read again (a provisioning checks its source and key on
            // every attempt: two reads of the database per request otherwise).
            let ttl = configuration.sharedCheckCacheMilliseconds
            let unknown = ttl <= 0 ? names : notRefused.withLock { cache in
                names.filter { name in cache[name].map { now - $0 >= ttl || now < $0 } ?? true }
            }
            guard !unknown.isEmpty else { return nil }
            do {
                let read = try await shared.blockedUntil(unknown, now: now)
                until = read.values.max() ?? 0
                if ttl > 0 {
                    notRefused.withLock { cache in
                        if cache.count >= configuration.maxTracked { cache.removeAll(keepingCapacity: true) }
                        for name in unknown where (read[name] ?? 0) <= now { cache[name] = now }
                    }
                }
            } catch {
                logger.warning("shared failure counts unavailable, attempt not checked", metadata: ["error": "\(error)"])
                return nil
            }
        } else {
            if let source { until = sources.blockedUntil(source, now: now) ?? 0 }
            if let key, !key.isEmpty { until = max(until, keys.blockedUntil(key, now: now) ?? 0) }
        }
        guard until > now else { return nil }
        return FailureCounter.seconds(from: now, until: until)
    }

    /// The sources and keys refused at `now`, latest cooling-off end first, at most `limit`: on every node when the
    /// counts are shared.
    /// - Throws: A ``StoreFailureReporting`` error when the shared counts cannot be read.
    package func coolingOff(now: Int64, limit: Int) async throws -> [CoolingOff] {
        guard configuration.failuresPerSource > 0 else { return [] }
        if let shared { return try await shared.blocked(scopes: [.provisionSource, .provisionKey], now: now, limit: limit) }
        let listed = sources.blocked(now: now, limit: limit).map { CoolingOff(scope: .provisionSource, name: $0.name, until: $0.until) }
            + keys.blocked(now: now, limit: limit).map { CoolingOff(scope: .provisionKey, name: $0.name, until: $0.until) }
        return Array(listed.sorted { $0.until > $1.until }.prefix(limit))
    }

    /// Counts one failure of `source` and `key` (an empty key is not counted). With shared counts: one write
    /// for both; when the database cannot take it, the failure is logged and not counted.
    package func recordFailure(source: String, key: String, now: Int64) async {
        guard configuration.failuresPerSource > 0 else { return }
        guard let shared else {
            sources.recordFailure(source, now: now)
            if !key.isEmpty { keys.recordFailure(key, now: now) }
            return
        }
        var failures = [CountedFailure(FailureCountName(.provisionSource, source), limits: sources.limits)]
        if !key.isEmpty, keys.limits.limit > 0 {
            failures.append(CountedFailure(FailureCountName(.provisionKey, key), limits: keys.limits))
        }
        // A failure here may start a refusal: the next attempt reads the counts again.
        notRefused.withLock { cache in for failure in failures { cache[failure.name] = nil } }
        do {
            _ = try await shared.recordFailure(failures, now: now)
        } catch {
            logger.warning("shared failure counts unavailable, failure not counted", metadata: ["error": "\(error)"])
        }
    }
}
