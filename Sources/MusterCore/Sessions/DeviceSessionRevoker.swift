/// The port through which admin services end a device's sessions when its credentials change or it is deleted.
///
/// The embedded server's ``DeviceSessionHub`` delivers in process to every transport's sessions. A node publishes
/// through ``ClusterSessionRevoker`` instead, whose ``ClusterEvent/deviceRevoked(_:)`` reaches the hub of every node
/// sharing the database (on PostgreSQL through `NOTIFY`; the payload is the device id, tenant id, name and reason,
/// never a credential). Publishing happens after the change is committed, so a session that reconnects at once is
/// already refused.
package protocol DeviceSessionRevoker: Sendable {
    /// Ends every open session of `revocation.deviceId`, on every node; returns once this node's sessions were told
    /// and the others were sent the revocation. Never blocks on a session.
    func revoke(_ revocation: DeviceSessionRevocation) async
    /// Ends the sessions of several devices (an import batch), sent together where the backend can.
    func revoke(_ revocations: [DeviceSessionRevocation]) async
}

extension DeviceSessionRevoker {
    /// One at a time.
    package func revoke(_ revocations: [DeviceSessionRevocation]) async {
        for revocation in revocations { await revoke(revocation) }
    }
}
