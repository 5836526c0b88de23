import Logging

/// Applies a ``ClusterEvent`` (published by this node or by any other sharing the database) to what this node
/// holds in memory, and resynchronizes it when its notification channel was down.
///
/// | Event | What this node does |
/// |---|---|
/// | ``ClusterEvent/profilesChanged(tenantId:)`` | forgets every cached profile (``ProvisionProfileCache/invalidateAll()``) |
/// | ``ClusterEvent/sharedAttributesChanged(_:)`` | when it holds a session of the device: pushes the values (the publisher's, or read from the store for those keys) through ``AttributeChangeHub/publish(deviceId:shared:)`` |
/// | ``ClusterEvent/deviceRevoked(_:)`` | ends the device's sessions (``DeviceSessionHub/deliver(_:)``) |
/// | ``ClusterEvent/signingKeyChanged`` | reads the JWT signing key from the store and signs and verifies with it from then on |
package final class ClusterEventDispatcher: Sendable {
    private let profileCache: ProvisionProfileCache?
    private let sessions: DeviceSessionHub?
    private let attributeChanges: AttributeChangeHub?
    private let values: (any KeyValueStore)?
    private let auth: AuthService?
    private let logger: Logger

    /// - Parameters:
    ///   - profileCache: The provisioning profile cache.
    ///   - sessions: Where device sessions wait for their revocation.
    ///   - attributeChanges: Where device sessions wait for shared-attribute pushes.
    ///   - values: Where shared attributes changed on another node are read.
    ///   - auth: Whose JWT signing key is read again when it changed.
    ///   Each may be `nil` when the node has no such part (tests, tools); its events are then ignored.
    package init(
        profileCache: ProvisionProfileCache? = nil, sessions: DeviceSessionHub? = nil,
        attributeChanges: AttributeChangeHub? = nil, values: (any KeyValueStore)? = nil, auth: AuthService? = nil,
        logger: Logger = Logger(label: "muster.cluster")
    ) {
        self.profileCache = profileCache
        self.sessions = sessions
        self.attributeChanges = attributeChanges
        self.values = values
        self.auth = auth
        self.logger = logger
    }

    /// Applies `event`.
    /// - Throws: the store's error when the JWT signing key could not be read again: this node still holds the old
    ///   one, so the caller must not consider itself synchronized until ``resynchronize()`` succeeds.
    package func apply(_ event: ClusterEvent) async throws {
        switch event {
        case .profilesChanged:
            profileCache?.invalidateAll()
        case .sharedAttributesChanged(let change):
            await push(change)
        case .deviceRevoked(let revocation):
            sessions?.deliver(revocation)
        case .signingKeyChanged:
            try await auth?.reloadSigningKey()
        }
    }

    /// Applies an event this node published; a failure (the signing key unreadable) is logged.
    package func applyLocally(_ event: ClusterEvent) async {
        do {
            try await apply(event)
        } catch {
            logger.error("could not apply a change on this node", metadata: ["event": "\(event)", "error": "\(error)"])
        }
    }

    /// The channel that brings other nodes' events is down (or not yet listening): events may be missed from now
    /// on, so the profile cache is no longer trusted (every provisioning reads its profile from the store) until
    /// ``resynchronize()`` succeeds.
    package func desynchronize() {
        profileCache?.setTrusted(false)
    }

    /// The channel listens again: forgets every cached profile and reads the JWT signing key again (whatever was
    /// missed meanwhile), then trusts the profile cache again.
    /// - Throws: the store's error when the key could not be read; the cache then stays untrusted.
    package func resynchronize() async throws {
        profileCache?.invalidateAll()
        try await auth?.reloadSigningKey()
        profileCache?.invalidateAll()
        profileCache?.setTrusted(true)
    }

    /// Pushes a shared-attribute change to this node's sessions of the device, if it has any.
    private func push(_ change: SharedAttributesChange) async {
        guard let attributeChanges, attributeChanges.subscriberCount(deviceId: change.deviceId) > 0 else { return }
        if let written = change.values {
            if !written.isEmpty { attributeChanges.publish(deviceId: change.deviceId, shared: written) }
            return
        }
        guard let values else { return }
        do {
            let current = try await values.attributes(entityId: change.deviceId, scope: .shared, keys: change.keys)
            if !current.isEmpty { attributeChanges.publish(deviceId: change.deviceId, shared: current) }
        } catch {
            logger.warning(
                "could not read changed shared attributes", metadata: ["device": "\(change.deviceId)", "error": "\(error)"])
        }
    }
}
