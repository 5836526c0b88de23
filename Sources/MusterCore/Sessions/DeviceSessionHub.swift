import Foundation
import Synchronization

/// The in-process side of ``DeviceSessionRevoker``: device sessions (MQTT connections, CoAP observers) subscribe by
/// device id and are called when their device is revoked; each closes itself and reports the closure here, which
/// audits it. Revoking never blocks on a subscriber: a listener only hands the event to its session's own queue.
package final class DeviceSessionHub: DeviceSessionRevoker, Sendable {
    /// Called with the revocation of the subscribed device.
    package typealias Listener = @Sendable (DeviceSessionRevocation) -> Void

    private let listeners = DeviceListeners<DeviceSessionRevocation>()
    /// Open watches: the devices revoked since each began.
    private let watches = Mutex([UUID: RevokedDevices]())
    /// The most devices a watch lists; past that it reports every device as revoked (so a session checks its
    /// credentials once more), which keeps a mass revocation (a large import) from growing every open watch.
    private static let watchLimit = 256
    private let audit: (any AuditSink)?
    private let open = Mutex(OpenSessions())
    private let clock: any WallClock

    /// - Parameters:
    ///   - audit: Where each closed session is recorded (`SESSION_CLOSED`); `nil` records nothing.
    ///   - clock: The time of audit entries.
    package init(audit: (any AuditSink)? = nil, clock: any WallClock = SystemWallClock()) {
        self.audit = audit
        self.clock = clock
    }

    /// Registers `listener` for `deviceId`; returns a token for ``unsubscribe(_:deviceId:)``.
    /// - Parameter transport: The session's transport, counted in ``openSessions()`` while it is subscribed.
    package func subscribe(deviceId: UUID, transport: ProvisionTransport? = nil, _ listener: @escaping Listener) -> UUID {
        let token = listeners.subscribe(deviceId: deviceId, listener)
        if let transport { open.withLock { $0.add(token, transport) } }
        return token
    }

    package func unsubscribe(_ token: UUID, deviceId: UUID) {
        listeners.unsubscribe(token, deviceId: deviceId)
        open.withLock { $0.remove(token) }
    }

    /// The sessions subscribed now with a transport, by transport (the operator's `muster_sessions_open`).
    package func openSessions() -> [ProvisionTransport: Int] {
        open.withLock { $0.counts }
    }

    /// The number of sessions subscribed for `deviceId`.
    package func subscriberCount(deviceId: UUID) -> Int {
        listeners.count(deviceId: deviceId)
    }

    /// Delivers on this node only (what a single process without a ``ClusterEventBus`` needs); a node revokes
    /// through ``ClusterSessionRevoker``, whose events reach ``deliver(_:)`` on every node.
    package func revoke(_ revocation: DeviceSessionRevocation) {
        deliver(revocation)
    }

    /// Calls every local listener of the revoked device, and notes the device in every open watch. The
    /// ``ClusterEventDispatcher`` calls it for each revocation, whichever node published it.
    package func deliver(_ revocation: DeviceSessionRevocation) {
        watches.withLock { watches in
            for key in watches.keys { watches[key]?.insert(revocation.deviceId, limit: Self.watchLimit) }
        }
        listeners.call(deviceId: revocation.deviceId, revocation)
    }

    /// Starts noting every revoked device, for a session about to check its credentials: a revocation between that
    /// check and the session's ``subscribe(deviceId:_:)`` would otherwise reach nobody. Returns the watch for
    /// ``endWatch(_:)``.
    package func beginWatch() -> UUID {
        let watch = UUID()
        watches.withLock { $0[watch] = RevokedDevices() }
        return watch
    }

    /// Ends a watch (call it after subscribing); returns the devices revoked since it began.
    package func endWatch(_ watch: UUID) -> RevokedDevices {
        watches.withLock { $0.removeValue(forKey: watch) } ?? RevokedDevices()
    }

    /// Audits one session a transport closed. The entry holds the device and the peer's address, never a credential.
    package func recordClosure(_ closure: DeviceSessionClosure) {
        audit?.record(AuditEntry(
            id: UUID(), tenantId: closure.tenantId, time: clock.nowMilliseconds(), transport: closure.transport,
            sourceAddress: closure.sourceAddress, profileId: nil, profileName: nil, deviceId: closure.deviceId,
            deviceName: closure.deviceName, outcome: .sessionClosed, reason: closure.reason.auditReason
        ))
    }
}

/// The devices revoked while a watch of ``DeviceSessionHub`` was open.
package struct RevokedDevices: Sendable {
    private var devices: Set<UUID> = []
    /// Too many to list: every device counts as revoked.
    private var overflowed = false

    package init() {}

    /// What the watch knows of `deviceId`.
    package enum Status: Sendable, Equatable {
        case notRevoked
        case revoked
        /// Too many devices were revoked to list them: it may have been.
        case unknown
    }

    package func status(of deviceId: UUID) -> Status {
        if overflowed { return .unknown }
        return devices.contains(deviceId) ? .revoked : .notRevoked
    }

    mutating func insert(_ deviceId: UUID, limit: Int) {
        guard !overflowed else { return }
        devices.insert(deviceId)
        if devices.count > limit {
            overflowed = true
            devices = []
        }
    }
}

/// The transports of the subscribed sessions that named one, and their counts.
private struct OpenSessions {
    private var transports: [UUID: ProvisionTransport] = [:]
    private(set) var counts: [ProvisionTransport: Int] = [:]

    mutating func add(_ token: UUID, _ transport: ProvisionTransport) {
        transports[token] = transport
        counts[transport, default: 0] += 1
    }

    mutating func remove(_ token: UUID) {
        guard let transport = transports.removeValue(forKey: token) else { return }
        counts[transport, default: 1] -= 1
    }
}
