import Foundation
import MusterCore
import MusterTestSupport
import Synchronization
import Testing

/// Issue 13: what a node does with a change published on any node (its own included), and how it resynchronizes
/// after its channel of events was down. Real store (SQLite), real hubs, cache and auth service.
@Suite struct ClusterEventDispatcherTests {
    /// Collects what a subscriber hears.
    private final class Heard<Event: Sendable>: Sendable {
        let events = Mutex([Event]())
        var all: [Event] { events.withLock { $0 } }
        func append(_ event: Event) { events.withLock { $0.append(event) } }
    }

    /// Counts the loads a cache lookup makes.
    private final class Loads: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
    }

    private struct Node {
        let fixture: CoreFixture
        let cache: ProvisionProfileCache
        let sessions: DeviceSessionHub
        let changes: AttributeChangeHub
        let auth: AuthService
        let dispatcher: ClusterEventDispatcher
    }

    /// A node's parts over a fresh store, signing with the stored key.
    private func makeNode() async throws -> Node {
        let fixture = try await CoreFixture.make()
        let stored = try await fixture.store.setting(JWTSigner.settingName) { JWTSigner.generateStoredKey() }
        let cache = ProvisionProfileCache(ttlMilliseconds: 60_000)
        let sessions = DeviceSessionHub()
        let changes = AttributeChangeHub()
        let auth = AuthService(store: fixture.store, signer: JWTSigner(storedKey: stored), clock: fixture.clock)
        let dispatcher = ClusterEventDispatcher(
            profileCache: cache, sessions: sessions, attributeChanges: changes, values: fixture.store, auth: auth)
        return Node(fixture: fixture, cache: cache, sessions: sessions, changes: changes, auth: auth, dispatcher: dispatcher)
    }

    /// Looks `key` up in the node's cache, counting the loads.
    private func lookUp(_ node: Node, _ loads: Loads) async throws {
        _ = try await node.cache.profile(forKey: "key", now: node.fixture.clock.nowMilliseconds()) {
            loads.count.add(1, ordering: .relaxed)
            return nil
        }
    }

    @Test func aProfileChangeOnAnyNodeEmptiesTheProfileCache() async throws {
        let node = try await makeNode()
        let loads = Loads()
        try await lookUp(node, loads)
        try await lookUp(node, loads)
        #expect(loads.value == 1)

        try await node.dispatcher.apply(.profilesChanged(tenantId: node.fixture.tenant.id))

        try await lookUp(node, loads)
        #expect(loads.value == 2)
    }

    @Test func whileDesynchronizedEveryLookupReadsTheStoreUntilResynchronized() async throws {
        let node = try await makeNode()
        let loads = Loads()
        try await lookUp(node, loads)

        node.dispatcher.desynchronize()
        try await lookUp(node, loads)
        try await lookUp(node, loads)
        #expect(loads.value == 3)
        #expect(!node.cache.isTrusted)

        try await node.dispatcher.resynchronize()
        #expect(node.cache.isTrusted)
        try await lookUp(node, loads)
        try await lookUp(node, loads)
        #expect(loads.value == 4)
    }

    @Test func aRevocationIsDeliveredToThatDevicesSessionsOnce() async throws {
        let node = try await makeNode()
        let device = UUID()
        let heard = Heard<DeviceSessionRevocation>()
        let bystander = Heard<DeviceSessionRevocation>()
        _ = node.sessions.subscribe(deviceId: device) { heard.append($0) }
        _ = node.sessions.subscribe(deviceId: UUID()) { bystander.append($0) }
        let revocation = DeviceSessionRevocation(
            deviceId: device, tenantId: node.fixture.tenant.id, deviceName: "d", reason: .credentialsChanged)

        // Published on this node: the in-process bus applies it at once, before publish returns.
        await ClusterSessionRevoker(bus: InProcessClusterEventBus(dispatcher: node.dispatcher)).revoke(revocation)

        #expect(heard.all == [revocation])
        #expect(bystander.all.isEmpty)
    }

    @Test func sharedAttributesFromAnotherNodeAreReadFromTheStoreForTheChangedKeys() async throws {
        let node = try await makeNode()
        let device = try await node.fixture.devices.save(
            EntityDraft(name: "pushed"), accessToken: "push-token", tenantId: node.fixture.tenant.id)
        try await node.fixture.store.saveAttributes(entityId: device.id, scope: .shared, [
            Attribute(key: "fw", value: .string("2.0"), lastUpdateTs: 5),
            Attribute(key: "interval", value: .long(30), lastUpdateTs: 5),
            Attribute(key: "untouched", value: .boolean(true), lastUpdateTs: 5),
        ])
        let heard = Heard<[Attribute]>()
        _ = node.changes.subscribe(deviceId: device.id) { heard.append($0) }

        // Another node's event carries keys only.
        try await node.dispatcher.apply(.sharedAttributesChanged(SharedAttributesChange(
            tenantId: node.fixture.tenant.id, deviceId: device.id, keys: ["fw", "interval"])))
        // A key list too long for a notification arrives as "every shared attribute".
        try await node.dispatcher.apply(.sharedAttributesChanged(SharedAttributesChange(
            tenantId: node.fixture.tenant.id, deviceId: device.id, keys: nil)))

        #expect(heard.all.map { $0.map(\.key) } == [["fw", "interval"], ["fw", "interval", "untouched"]])
        #expect(heard.all.first?.first?.value == .string("2.0"))
    }

    @Test func sharedAttributesPublishedHerePushTheWrittenValuesAndNothingWithoutASubscriber() async throws {
        let node = try await makeNode()
        let device = UUID()
        let written = [Attribute(key: "target", value: .long(7), lastUpdateTs: 1)]
        let change = SharedAttributesChange(tenantId: node.fixture.tenant.id, deviceId: device, keys: ["target"], values: written)
        let bus = InProcessClusterEventBus(dispatcher: node.dispatcher)
        // No session of the device on this node: nothing is read or pushed (and a later subscriber hears nothing).
        await bus.publish(.sharedAttributesChanged(change))
        let heard = Heard<[Attribute]>()
        _ = node.changes.subscribe(deviceId: device) { heard.append($0) }
        #expect(heard.all.isEmpty)

        // The publishing node pushes what was written as it is (nothing is stored for this device).
        await bus.publish(.sharedAttributesChanged(change))
        #expect(heard.all == [written])
    }

    @Test func aRotatedSigningKeyIsReadAgainAndTheOldOneRefused() async throws {
        let node = try await makeNode()
        let user = try await node.fixture.tenants.createUser(
            email: "admin@example.com", authority: .tenantAdmin, tenantId: node.fixture.tenant.id, firstName: nil,
            lastName: nil, password: "correct-horse")
        let old = try await node.auth.login(email: user.email, password: "correct-horse")
        #expect(try node.auth.authenticate(old.token).userId == user.id)

        try await node.fixture.store.replaceSetting(JWTSigner.settingName, value: JWTSigner.generateStoredKey())
        // Until told, the node keeps the key it read.
        #expect(try node.auth.authenticate(old.token).userId == user.id)
        try await node.dispatcher.apply(.signingKeyChanged)

        #expect(throws: AuthError.invalidToken) { try node.auth.authenticate(old.token) }
        let fresh = try await node.auth.login(email: user.email, password: "correct-horse")
        #expect(try node.auth.authenticate(fresh.token).userId == user.id)
    }

    @Test func resynchronizingReadsTheSigningKeyAgain() async throws {
        let node = try await makeNode()
        let user = try await node.fixture.tenants.createUser(
            email: "admin@example.com", authority: .tenantAdmin, tenantId: node.fixture.tenant.id, firstName: nil,
            lastName: nil, password: "correct-horse")
        let old = try await node.auth.login(email: user.email, password: "correct-horse")
        node.dispatcher.desynchronize()
        // Rotated while this node heard nothing.
        try await node.fixture.store.replaceSetting(JWTSigner.settingName, value: JWTSigner.generateStoredKey())

        try await node.dispatcher.resynchronize()

        #expect(throws: AuthError.invalidToken) { try node.auth.authenticate(old.token) }
    }
}
