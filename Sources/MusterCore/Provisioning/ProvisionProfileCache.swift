import Synchronization

/// Remembers, for a short time, which profile a provision key names (and which profiles are X.509
/// certificate-chain profiles), so that a burst of provisioning requests does not read and decode the profile for
/// each one. Every profile change clears it at once on every node (``ClusterEvent/profilesChanged(tenantId:)``), and
/// ``ttlMilliseconds`` bounds an entry's life whatever happens. While a node's channel of cluster events is down it
/// is not trusted (``setTrusted(_:)``): every lookup then reads the store. Bounded in size.
package final class ProvisionProfileCache: Sendable {
    private enum AllChainProfiles: Hashable, Sendable { case all }

    private let byKey: ExpiringCache<String, DeviceProfile?>
    private let chainProfiles: ExpiringCache<AllChainProfiles, [DeviceProfile]>
    private let trusted = Atomic<Bool>(true)

    /// How long an entry is trusted.
    package var ttlMilliseconds: Int64 { byKey.ttlMilliseconds }

    /// - Parameters:
    ///   - ttlMilliseconds: How long an entry is trusted; 0 disables the cache.
    ///   - capacity: The most keys remembered (unknown keys included).
    package init(ttlMilliseconds: Int64 = 1000, capacity: Int = 10_000) {
        byKey = ExpiringCache(ttlMilliseconds: ttlMilliseconds, capacity: capacity)
        chainProfiles = ExpiringCache(ttlMilliseconds: ttlMilliseconds, capacity: 1)
    }

    /// The profile for `key`, from the cache or from `load` (whose answer, even `nil`, is then remembered).
    package func profile(
        forKey key: String, now: Int64, load: () async throws -> DeviceProfile?
    ) async throws -> DeviceProfile? {
        guard isTrusted else { return try await load() }
        return try await byKey.value(for: key, now: now, load: load)
    }

    /// Every X.509 certificate-chain profile, from the cache or from `load`.
    package func certificateChainProfiles(now: Int64, load: () async throws -> [DeviceProfile]) async throws -> [DeviceProfile] {
        guard isTrusted else { return try await load() }
        return try await chainProfiles.value(for: .all, now: now, load: load)
    }

    /// Whether lookups may answer from the cache (true unless ``setTrusted(_:)`` said otherwise).
    package var isTrusted: Bool { trusted.load(ordering: .acquiring) }

    /// Trusts the cache again, or stops trusting it (every lookup then reads the store and remembers nothing): a
    /// node whose channel of profile changes is down cannot know what changed.
    package func setTrusted(_ value: Bool) {
        trusted.store(value, ordering: .releasing)
    }

    /// Forgets everything (after a profile is created, changed or deleted).
    package func invalidateAll() {
        byKey.removeAll()
        chainProfiles.removeAll()
    }
}
