import Synchronization

/// Values remembered for a short time, so that a burst of requests does not read and decode the same row each time.
/// Bounded: when full it starts over. A value that changed elsewhere is seen within the time-to-live, or at once when
/// the change clears the cache with ``removeAll()`` (on every node, through the cluster's events).
package final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expires: Int64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Counts ``removeAll()`` calls, so that a value loaded before one is not remembered after it.
        var generation: UInt64 = 0
    }

    /// How long an entry is trusted, in milliseconds; 0 turns the cache off.
    package let ttlMilliseconds: Int64
    private let capacity: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - ttlMilliseconds: How long an entry is trusted; 0 turns the cache off.
    ///   - capacity: The most keys remembered.
    package init(ttlMilliseconds: Int64 = 1000, capacity: Int = 10_000) {
        self.ttlMilliseconds = ttlMilliseconds
        self.capacity = capacity
    }

    /// The value for `key`, from the cache or from `load` (whose answer, even an empty one, is then remembered,
    /// unless the cache was cleared while it loaded: that answer may predate the change that cleared it).
    package func value(for key: Key, now: Int64, load: () async throws -> Value) async throws -> Value {
        guard ttlMilliseconds > 0 else { return try await load() }
        let (cached, generation) = state.withLock { state in (state.entries[key], state.generation) }
        if let cached, cached.expires > now { return cached.value }
        let value = try await load()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(value: value, expires: now + ttlMilliseconds)
        }
        return value
    }

    /// Forgets everything, including what is being loaded now.
    package func removeAll() {
        state.withLock { state in
            state.entries.removeAll(keepingCapacity: true)
            state.generation &+= 1
        }
    }
}
