/// The ``DeviceSessionRevoker`` of a node: publishes each revocation through the ``ClusterEventBus``, so that every
/// node, this one included, ends the device's sessions (``ClusterEventDispatcher`` calls its
/// ``DeviceSessionHub/deliver(_:)`` once per node: this node's at once, the others' when the event reaches them).
package struct ClusterSessionRevoker: DeviceSessionRevoker {
    private let bus: any ClusterEventBus

    package init(bus: any ClusterEventBus) {
        self.bus = bus
    }

    package func revoke(_ revocation: DeviceSessionRevocation) async {
        await bus.publish(.deviceRevoked(revocation))
    }

    /// Publishes every revocation together (one notification statement on PostgreSQL).
    package func revoke(_ revocations: [DeviceSessionRevocation]) async {
        guard !revocations.isEmpty else { return }
        await bus.publish(revocations.map(ClusterEvent.deviceRevoked))
    }
}
