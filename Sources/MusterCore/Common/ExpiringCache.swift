import Synchronization

/// Values remembered for a short time, so that a burst of requests does not read and decode the same row each time.
/// Bounded: when full it starts over. A value that changed elsewhere (another node sharing the database) is seen
/// within the time-to-live; a local change can clear the cache at once with ``removeAll()``.
package final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expires: Int64
    }

    /// How long an entry is trusted, in milliseconds; 0 turns the cache off.
    package let ttlMilliseconds: Int64
    private let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    /// - Parameters:
    ///   - ttlMilliseconds: How long an entry is trusted; 0 turns the cache off.
    ///   - capacity: The most keys remembered.
    package init(ttlMilliseconds: Int64 = 1000, capacity: Int = 10_000) {
        self.ttlMilliseconds = ttlMilliseconds
        self.capacity = capacity
    }

    /// The value for `key`, from the cache or from `load` (whose answer, even an empty one, is then remembered).
    package func value(for key: Key, now: Int64, load: () async throws -> Value) async throws -> Value {
        guard ttlMilliseconds > 0 else { return try await load() }
        if let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.value }
        let value = try await load()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, expires: now + ttlMilliseconds)
        }
        return value
    }

    /// Forgets everything.
    package func removeAll() {
        entries.withLock { $0.removeAll(keepingCapacity: true) }
    }
}
