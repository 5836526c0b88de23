import Foundation
import Synchronization

/// The transport type of each device profile, remembered for a short time so that a device CONNECT does not read and
/// decode its profile every time. A changed transport type applies within the time-to-live (on this node and on
/// others sharing the database alike).
package final class ProfileTransportCache: Sendable {
    private struct Entry {
        var transportType: String?
        var expires: Int64
    }

    private let entries = Mutex<[UUID: Entry]>([:])
    private let ttlMilliseconds: Int64
    private let capacity: Int

    /// - Parameters:
    ///   - ttlMilliseconds: How long an entry is trusted; 0 turns the cache off.
    ///   - capacity: The most profiles remembered; the cache starts over when full.
    package init(ttlMilliseconds: Int64 = 1000, capacity: Int = 10_000) {
        self.ttlMilliseconds = ttlMilliseconds
        self.capacity = capacity
    }

    /// The transport type of `profileId` (`nil` when the profile is gone), from the cache or from `load`.
    func transportType(
        of profileId: UUID, now: Int64, load: () async throws -> DeviceProfile?
    ) async throws -> String? {
        if ttlMilliseconds > 0, let hit = entries.withLock({ $0[profileId] }), hit.expires > now { return hit.transportType }
        let transportType = try await load()?.transportType
        guard ttlMilliseconds > 0 else { return transportType }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[profileId] = Entry(transportType: transportType, expires: now + ttlMilliseconds)
        }
        return transportType
    }
}
