import Foundation
import MusterCoAP
import MusterCoAPCodec
import MusterCore
import MusterTestSupport
import NIOCore
import Testing

/// Issue 20: an observer whose device is revoked gets one final notification (4.01 / 4.04, its token, no Observe
/// option) and is removed (RFC 7641 §4.2); a revocation is never lost to the notification buffer.
@Suite struct CoAPRevocationTests {
    /// Registers an observer of `token`'s device; returns its registration.
    private func observe(_ harness: RouterHarness, token: String, tag: UInt8) async throws -> CoAPMessage {
        var register = RouterHarness.request(.get, "api/v1/\(token)/attributes", token: [7, tag])
        register.observe = 0
        let reply = try #require(try await harness.send(register))
        #expect(reply.code == .content && reply.observe != nil)
        return register
    }

    @Test(arguments: [DeviceRevocationReason.credentialsChanged, .deviceDeleted])
    func aRevokedObserverGetsAFinalNotificationAndIsRemoved(reason: DeviceRevocationReason) async throws {
        let harness = try await RouterHarness.make()
        let fixture = harness.fixture
        // The admin service publishes to the hub the CoAP notifier listens to, as in the composition root.
        let devices = DeviceService(store: fixture.store, profiles: fixture.profiles, clock: fixture.clock, sessions: harness.notifier.sessions)
        let device = try await devices.save(EntityDraft(name: "observed"), accessToken: "observed-token", tenantId: fixture.tenant.id)
        let bystander = try await devices.save(EntityDraft(name: "bystander"), accessToken: "bystander-token", tenantId: fixture.tenant.id)
        let register = try await observe(harness, token: "observed-token", tag: 1)
        _ = try await observe(harness, token: "bystander-token", tag: 2)

        switch reason {
        case .credentialsChanged:
            _ = try await devices.updateCredentials(
                deviceId: device.id, CredentialsDraft(type: .accessToken, credentialsId: "rotated-token", credentialsValue: nil),
                tenantId: fixture.tenant.id
            )
        case .deviceDeleted:
            try await devices.delete(id: device.id, tenantId: fixture.tenant.id)
        }

        let pending = harness.notifier.takeRevocations()
        #expect(pending.map(\.key.token) == [register.token])
        let (key, revocation) = try #require(pending.first)
        let envelope = try #require(harness.router.finalDatagram(for: key, revocation: revocation))
        var bytes = envelope.data
        let final = try CoAPMessage.decode(from: &bytes)
        #expect(final.code == (reason == .credentialsChanged ? .unauthorized : .notFound))
        #expect(final.token == register.token && final.observe == nil && final.type == .confirmable)
        #expect(envelope.remoteAddress == harness.peer)
        // The observer is gone: no second final notification, no subscription left; the bystander stays.
        #expect(harness.router.finalDatagram(for: key, revocation: revocation) == nil)
        #expect(harness.notifier.sessions.subscriberCount(deviceId: device.id) == 0)
        #expect(harness.notifier.sessions.subscriberCount(deviceId: bystander.id) == 1)
        #expect(harness.notifier.takeRevocations().isEmpty)
    }

    @Test func aRevocationSurvivesAFullNotificationBuffer() async throws {
        let harness = try await RouterHarness.make()
        let fixture = harness.fixture
        let hub = AttributeChangeHub()
        let notifier = CoAPNotifier(hub: hub, sessions: DeviceSessionHub(), bufferLimit: 2)
        let key = CoAPObserverKey(peer: harness.peer, token: CoAPToken(bytes: [1])!)
        let device = try await fixture.devices.save(EntityDraft(name: "busy"), accessToken: "busy-token", tenantId: fixture.tenant.id)
        _ = notifier.subscribe(key, deviceId: device.id)

        notifier.sessions.revoke(DeviceSessionRevocation(
            deviceId: device.id, tenantId: fixture.tenant.id, deviceName: "busy", reason: .credentialsChanged
        ))
        for value in 0..<10 { hub.publish(deviceId: device.id, shared: [Attribute(key: "k", value: .long(Int64(value)), lastUpdateTs: 0)]) }

        // The stream dropped the revocation's entry, yet it is still there to be sent.
        #expect(notifier.takeRevocations().map(\.key) == [key])
    }
}
