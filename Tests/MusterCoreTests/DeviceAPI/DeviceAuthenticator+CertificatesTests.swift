import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Spec §3.4 and §2.8: a TLS client's certificate chain authenticates a device, or provisions it through a chain
/// profile; certificates out of their validity period are refused.
@Suite struct DeviceAuthenticatorCertificatesTests {
    private static let context = ProvisionContext(transport: .mqtt, sourceAddress: "192.0.2.9")

    private func certificate(_ body: String, commonName: String? = nil, _ fixture: CoreFixture, expired: Bool = false) -> ClientCertificate {
        let now = fixture.clock.nowMilliseconds()
        return ClientCertificate(
            base64DER: Data(body.utf8).base64EncodedString(), commonName: commonName,
            notValidBefore: now - 86_400_000, notValidAfter: expired ? now - 1 : now + 86_400_000
        )
    }

    private func authenticator(_ fixture: CoreFixture, provisioning: Bool = true) -> DeviceAuthenticator {
        DeviceAuthenticator(
            devices: fixture.store, profiles: fixture.store, certificateProvisioning: provisioning ? fixture.provisioning : nil, clock: fixture.clock
        )
    }

    @Test func aKnownLeafAuthenticatesItsDevice() async throws {
        let fixture = try await CoreFixture.make()
        let leaf = certificate("device-cert", fixture)
        let device = try await fixture.devices.save(
            EntityDraft(name: "x509-device"), credentials: CredentialsDraft(type: .x509Certificate, credentialsId: nil, credentialsValue: leaf.base64DER),
            tenantId: fixture.tenant.id
        )
        #expect(try await authenticator(fixture).authenticate(certificates: [leaf], context: Self.context).id == device.id)
        #expect(try await authenticator(fixture).authenticate(x509Hash: leaf.credentialsId).id == device.id)
    }

    @Test func anExpiredLeafIsRefusedEvenWhenKnown() async throws {
        let fixture = try await CoreFixture.make()
        let leaf = certificate("old-cert", fixture, expired: true)
        _ = try await fixture.devices.save(
            EntityDraft(name: "old"), credentials: CredentialsDraft(type: .x509Certificate, credentialsId: nil, credentialsValue: leaf.base64DER),
            tenantId: fixture.tenant.id
        )
        await #expect(throws: DeviceAuthenticationFailure.certificateNotValid) {
            try await authenticator(fixture).authenticate(certificates: [leaf], context: Self.context)
        }
    }

    @Test func aLeafHashHeldByATokenIsAMismatch() async throws {
        let fixture = try await CoreFixture.make()
        let leaf = certificate("token-like", fixture)
        _ = try await fixture.devices.save(EntityDraft(name: "tok"), accessToken: leaf.credentialsId, tenantId: fixture.tenant.id)
        await #expect(throws: DeviceAuthenticationFailure.credentialsMismatch) {
            try await authenticator(fixture).authenticate(certificates: [leaf], context: Self.context)
        }
    }

    @Test func anUnknownChainIsRefusedAndAChainProfileProvisionsIt() async throws {
        let fixture = try await CoreFixture.make()
        let ca = certificate("the-ca", commonName: "CA", fixture)
        let leaf = certificate("new-device", commonName: "meter-9", fixture)
        await #expect(throws: DeviceAuthenticationFailure.unknownCredentials) {
            try await authenticator(fixture).authenticate(certificates: [leaf, ca], context: Self.context)
        }
        _ = try await fixture.profiles.saveDeviceProfile(
            DeviceProfileDraft(
                name: "chain", provisionType: .x509CertificateChain,
                provisionConfiguration: ProvisionConfiguration(
                    type: .x509CertificateChain, provisionDeviceSecret: ca.base64DER, certificateRegExPattern: "(.*)",
                    allowCreateNewDevicesByX509Certificate: true
                )
            ),
            tenantId: fixture.tenant.id
        )
        await #expect(throws: DeviceAuthenticationFailure.unknownCredentials) {
            try await authenticator(fixture, provisioning: false).authenticate(certificates: [leaf, ca], context: Self.context)
        }
        let device = try await authenticator(fixture).authenticate(certificates: [leaf, ca], context: Self.context)
        #expect(device.name == "meter-9")
        let refused = certificate("refused", commonName: nil, fixture)
        await #expect(throws: DeviceAuthenticationFailure.provisioningRefused(.failure(.certificateNameUnmatched))) {
            try await authenticator(fixture).authenticate(certificates: [refused, ca], context: Self.context)
        }
    }
}
