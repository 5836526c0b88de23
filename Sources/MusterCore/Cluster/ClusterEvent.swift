import Foundation

/// A change made on one node that every node sharing the database must apply to what it holds in memory: its
/// profile cache, its device sessions, its JWT signing key. An event names what changed, never a secret or a value:
/// a receiving node reads what it needs from the store.
package enum ClusterEvent: Sendable, Hashable {
    /// A device profile of `tenantId` was created, changed or deleted: every node forgets its cached profiles.
    case profilesChanged(tenantId: UUID)
    /// An admin wrote shared attributes of a device: the nodes holding a session of that device push them to it.
    case sharedAttributesChanged(SharedAttributesChange)
    /// A device's credentials were replaced or it was deleted: every node ends its sessions.
    case deviceRevoked(DeviceSessionRevocation)
    /// The JWT signing key in the store was replaced (`muster rotate-jwt-key`): every node reads it again.
    case signingKeyChanged
}

/// Which shared attributes of which device changed.
package struct SharedAttributesChange: Sendable, Hashable {
    package var tenantId: UUID
    package var deviceId: UUID
    /// The keys written; `nil` means "any of them" (the receiving node reads every shared attribute of the device).
    package var keys: [String]?
    /// The values written, when the publishing node has them: that node pushes them as they are, as a single node
    /// always did. They never leave the process; another node reads the stored values of ``keys``.
    package var values: [Attribute]?

    package init(tenantId: UUID, deviceId: UUID, keys: [String]?, values: [Attribute]? = nil) {
        self.tenantId = tenantId
        self.deviceId = deviceId
        self.keys = keys
        self.values = values
    }

    /// The change as another node receives it: the keys without the values.
    package var withoutValues: SharedAttributesChange {
        SharedAttributesChange(tenantId: tenantId, deviceId: deviceId, keys: keys)
    }
}
