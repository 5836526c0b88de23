import Foundation
import MusterCore
import MusterTestSupport
import Synchronization
import Testing

/// Issue 20: the admin services revoke a device's sessions when its credentials change or it is deleted, and the
/// hub delivers the revocation only to that device's sessions and audits each closure.
@Suite struct DeviceSessionHubTests {
    /// Collects what a subscriber hears.
    private final class Heard: Sendable {
        let revocations = Mutex([DeviceSessionRevocation]())
        var all: [DeviceSessionRevocation] { revocations.withLock { $0 } }
    }

    private func listen(_ fixture: CoreFixture, to deviceId: UUID) -> (Heard, UUID) {
        let heard = Heard()
        let token = fixture.sessions.subscribe(deviceId: deviceId) { revocation in
            heard.revocations.withLock { $0.append(revocation) }
        }
        return (heard, token)
    }

    @Test func changingCredentialsRevokesOnlyThatDevice() async throws {
        let fixture = try await CoreFixture.make()
        let tenant = fixture.tenant.id
        let device = try await fixture.devices.save(EntityDraft(name: "revoked"), accessToken: "old-token", tenantId: tenant)
        let other = try await fixture.devices.save(EntityDraft(name: "bystander"), accessToken: "other-token", tenantId: tenant)
        let (heard, _) = listen(fixture, to: device.id)
        let (bystander, _) = listen(fixture, to: other.id)

        _ = try await fixture.devices.updateCredentials(
            deviceId: device.id, CredentialsDraft(type: .accessToken, credentialsId: "new-token", credentialsValue: nil),
            tenantId: tenant
        )

        #expect(heard.all == [
            DeviceSessionRevocation(deviceId: device.id, tenantId: tenant, deviceName: "revoked", reason: .credentialsChanged)
        ])
        #expect(bystander.all.isEmpty)
    }

    @Test func aRefusedCredentialsChangeRevokesNothing() async throws {
        let fixture = try await CoreFixture.make()
        let tenant = fixture.tenant.id
        let device = try await fixture.devices.save(EntityDraft(name: "kept"), accessToken: "kept-token", tenantId: tenant)
        _ = try await fixture.devices.save(EntityDraft(name: "holder"), accessToken: "taken-token", tenantId: tenant)
        let (heard, _) = listen(fixture, to: device.id)

        await #expect(throws: AdminError.self) {
            _ = try await fixture.devices.updateCredentials(
                deviceId: device.id, CredentialsDraft(type: .accessToken, credentialsId: "taken-token", credentialsValue: nil),
                tenantId: tenant
            )
        }
        await #expect(throws: AdminError.self) {
            _ = try await fixture.devices.updateCredentials(
                deviceId: device.id, CredentialsDraft(type: .accessToken, credentialsId: "", credentialsValue: nil),
                tenantId: tenant
            )
        }

        #expect(heard.all.isEmpty)
    }

    @Test func deletingRevokesAndAnUnsubscribedSessionHearsNothing() async throws {
        let fixture = try await CoreFixture.make()
        let tenant = fixture.tenant.id
        let device = try await fixture.devices.save(EntityDraft(name: "gone"), accessToken: "gone-token", tenantId: tenant)
        let (heard, _) = listen(fixture, to: device.id)
        let (left, token) = listen(fixture, to: device.id)
        fixture.sessions.unsubscribe(token, deviceId: device.id)

        try await fixture.devices.delete(id: device.id, tenantId: tenant)

        #expect(heard.all.map(\.reason) == [.deviceDeleted])
        #expect(left.all.isEmpty)
        #expect(fixture.sessions.subscriberCount(deviceId: device.id) == 1)
        // Deleting it again is a 404 and revokes nothing more.
        await #expect(throws: AdminError.self) { try await fixture.devices.delete(id: device.id, tenantId: tenant) }
        #expect(heard.all.count == 1)
    }

    @Test func certificateChainProvisioningThatReplacesCredentialsRevokes() async throws {
        // Given a pre-provisioned device (access token) of an X.509-chain profile
        let fixture = try await CoreFixture.make()
        let caBase64 = Data("revocation-test-ca".utf8).base64EncodedString()
        let ca = ClientCertificate(base64DER: caBase64, commonName: "CA", notValidBefore: 0, notValidAfter: .max)
        let profile = try await fixture.profiles.saveDeviceProfile(
            DeviceProfileDraft(
                name: "chain", provisionType: .x509CertificateChain,
                provisionConfiguration: ProvisionConfiguration(
                    type: .x509CertificateChain,
                    provisionDeviceSecret: "-----BEGIN CERTIFICATE-----\n\(caBase64)\n-----END CERTIFICATE-----\n",
                    certificateRegExPattern: "(.*)", allowCreateNewDevicesByX509Certificate: false
                )
            ),
            tenantId: fixture.tenant.id
        )
        let device = try await fixture.devices.save(
            EntityDraft(name: "chained", profileId: profile.id), accessToken: "chained-token", tenantId: fixture.tenant.id
        )
        let (heard, _) = listen(fixture, to: device.id)
        let now = fixture.clock.nowMilliseconds()
        func leaf(_ tag: String) -> ClientCertificate {
            ClientCertificate(
                base64DER: Data("leaf-\(tag)".utf8).base64EncodedString(), commonName: "chained", notValidBefore: now - 1000,
                notValidAfter: now + 86_400_000
            )
        }
        let context = ProvisionContext(transport: .mqtt, sourceAddress: "192.0.2.9")

        // When its certificate binds it, then a renewed certificate replaces that one, then the same one returns
        _ = try await fixture.provisioning.provision(certificateChain: [leaf("1"), ca], context: context)
        _ = try await fixture.provisioning.provision(certificateChain: [leaf("2"), ca], context: context)
        _ = try await fixture.provisioning.provision(certificateChain: [leaf("2"), ca], context: context)

        // Then each replacement revoked the sessions of the credentials before it; the unchanged one did not
        #expect(heard.all.map(\.reason) == [.credentialsChanged, .credentialsChanged])
    }

    @Test func eachClosureIsAuditedWithoutTheCredentials() async throws {
        let fixture = try await CoreFixture.make()
        let tenant = fixture.tenant.id
        let device = try await fixture.devices.save(EntityDraft(name: "audited"), accessToken: "secret-token-1", tenantId: tenant)

        fixture.sessions.recordClosure(DeviceSessionClosure(
            deviceId: device.id, tenantId: tenant, deviceName: device.name, transport: .mqtt, sourceAddress: "192.0.2.7",
            reason: .revoked(.credentialsChanged)
        ))
        fixture.sessions.recordClosure(DeviceSessionClosure(
            deviceId: device.id, tenantId: tenant, deviceName: device.name, transport: .coap, sourceAddress: "192.0.2.8:5683",
            reason: .takenOver
        ))
        await fixture.audit.flush()

        let page = try await fixture.store.auditEntries(
            tenantId: tenant, filter: AuditFilter(outcome: .sessionClosed), PageLink(pageSize: 10, page: 0)
        )
        #expect(Set(page.data.map(\.reason)) == ["CREDENTIALS_CHANGED", "SESSION_TAKEN_OVER"])
        #expect(page.data.allSatisfy { $0.deviceId == device.id && $0.deviceName == "audited" })
        #expect(Set(page.data.map(\.transport)) == [.mqtt, .coap])
        #expect(!page.data.contains { "\($0)".contains("secret-token-1") })
    }
}

/// The watch that covers the gap between a session's credentials check and its subscription.
@Suite struct DeviceSessionHubWatchTests {
    private func revocation(_ deviceId: UUID) -> DeviceSessionRevocation {
        DeviceSessionRevocation(deviceId: deviceId, tenantId: UUID(), deviceName: "d", reason: .credentialsChanged)
    }

    @Test func aWatchNotesTheDevicesRevokedWhileItIsOpen() {
        let hub = DeviceSessionHub()
        let (before, during, after) = (UUID(), UUID(), UUID())
        hub.revoke(revocation(before))
        let watch = hub.beginWatch()
        let other = hub.beginWatch()
        hub.revoke(revocation(during))
        let seen = hub.endWatch(watch)
        #expect([seen.status(of: before), seen.status(of: during), seen.status(of: after)] == [.notRevoked, .revoked, .notRevoked])
        hub.revoke(revocation(after))
        let seenLonger = hub.endWatch(other)
        #expect([seenLonger.status(of: before), seenLonger.status(of: during), seenLonger.status(of: after)] == [.notRevoked, .revoked, .revoked])
        // an ended watch notes nothing more and ends once
        #expect(hub.endWatch(watch).status(of: during) == .notRevoked)
    }

    @Test func aMassRevocationMakesTheWatchCountEveryDeviceRevoked() {
        let hub = DeviceSessionHub()
        let watch = hub.beginWatch()
        for _ in 0..<1000 { hub.revoke(revocation(UUID())) }
        // rather than listing a thousand devices, it no longer knows: sessions check their credentials once more
        #expect(hub.endWatch(watch).status(of: UUID()) == .unknown)
    }
}
