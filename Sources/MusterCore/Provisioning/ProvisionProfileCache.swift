import Synchronization

/// Remembers, for a short time, which profile a provision key names, so that a burst of provisioning requests
/// does not read and decode the profile for each one. Profile changes made through this process clear it at once;
/// changes made by another node sharing the database take effect within ``ttlMilliseconds``. Bounded in size.
package final class ProvisionProfileCache: Sendable {
    private struct Entry {
        var profile: DeviceProfile?
        var expires: Int64
    }

    /// How long an entry is trusted.
    package let ttlMilliseconds: Int64
    private let capacity: Int
    private let entries = Mutex([String: Entry]())
    private let chainProfiles = Mutex<(profiles: [DeviceProfile], expires: Int64)?>(nil)

    /// - Parameters:
    ///   - ttlMilliseconds: How long an entry is trusted; 0 disables the cache.
    ///   - capacity: The most keys remembered (unknown keys included).
    package init(ttlMilliseconds: Int64 = 1000, capacity: Int = 10_000) {
        self.ttlMilliseconds = ttlMilliseconds
        self.capacity = capacity
    }

    /// The profile for `key`, from the cache or from `load` (whose answer, even `nil`, is then remembered).
    package func profile(
        forKey key: String, now: Int64, load: () async throws -> DeviceProfile?
    ) async throws -> DeviceProfile? {
        guard ttlMilliseconds > 0 else { return try await load() }
        if let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.profile }
        let profile = try await load()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(profile: profile, expires: now + ttlMilliseconds)
        }
        return profile
    }

    /// Every X.509 certificate-chain profile, from the cache or from `load`.
    package func certificateChainProfiles(now: Int64, load: () async throws -> [DeviceProfile]) async throws -> [DeviceProfile] {
        guard ttlMilliseconds > 0 else { return try await load() }
        if let cached = chainProfiles.withLock({ $0 }), cached.expires > now { return cached.profiles }
        let profiles = try await load()
        chainProfiles.withLock { $0 = (profiles, now + ttlMilliseconds) }
        return profiles
    }

    /// Forgets everything (after a profile is created, changed or deleted).
    package func invalidateAll() {
        entries.withLock { $0.removeAll(keepingCapacity: true) }
        chainProfiles.withLock { $0 = nil }
    }
}
