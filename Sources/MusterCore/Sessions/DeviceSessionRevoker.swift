/// The port through which admin services end a device's sessions when its credentials change or it is deleted.
///
/// The embedded server backs it with ``DeviceSessionHub``, which delivers in process to every transport's sessions.
/// Several stateless nodes sharing one database need every node to hear it: a PostgreSQL implementation sends the
/// revocation with `NOTIFY` on a channel (the payload is the device id, tenant id, name and reason, never a
/// credential), and each node's `LISTEN` loop hands what arrives to its local ``DeviceSessionHub/deliver(_:)``.
/// Publishing happens after the change is committed, so a session that reconnects at once is already refused.
package protocol DeviceSessionRevoker: Sendable {
    /// Ends every open session of `revocation.deviceId`, on every node. Never blocks on a session.
    func revoke(_ revocation: DeviceSessionRevocation)
}
