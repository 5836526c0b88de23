import Foundation
import MusterCore
import MusterPKI
import MusterTestSupport
import Testing

/// A client that presents only its device certificate (without the CA) still chains to a profile's CA: the core
/// finds the profile whose CA signed it, through the PKI verifier, over a real SQLite store and real certificates.
@Suite struct LeafOnlyChainProvisioningTests {
    private static let context = ProvisionContext(transport: .mqtt, sourceAddress: "192.0.2.11")

    private func service(_ fixture: CoreFixture) -> ProvisionService {
        ProvisionService(
            store: fixture.store, clock: SystemWallClock(), limiter: fixture.limiter, audit: fixture.audit,
            certificateVerifier: X509ChainVerifier()
        )
    }

    private func chainProfile(_ fixture: CoreFixture, ca: TestCertificateAuthority, name: String) async throws -> DeviceProfile {
        try await fixture.profiles.saveDeviceProfile(
            DeviceProfileDraft(
                name: name, provisionType: .x509CertificateChain,
                provisionConfiguration: ProvisionConfiguration(
                    type: .x509CertificateChain, provisionDeviceSecret: ca.root.pem, certificateRegExPattern: "(.*)",
                    allowCreateNewDevicesByX509Certificate: true
                )
            ),
            tenantId: fixture.tenant.id
        )
    }

    private func presented(_ certificates: TestCertificate...) throws -> [ClientCertificate] {
        try X509ChainVerifier().verify(chain: certificates.map(\.der))
    }

    @Test func aLeafSignedByAProfilesCAProvisionsWithoutTheCAInTheChain() async throws {
        let fixture = try await CoreFixture.make()
        let other = try TestCertificateAuthority(commonName: "Other CA")
        let ca = try TestCertificateAuthority(commonName: "Fleet CA")
        _ = try await chainProfile(fixture, ca: other, name: "other")
        let profile = try await chainProfile(fixture, ca: ca, name: "fleet")
        let leaf = try ca.issue(commonName: "meter-42")
        let material = try await service(fixture).provision(certificateChain: try presented(leaf), context: Self.context)
        #expect(material?.credentialsId == (try CredentialRules.x509(leaf.pem)).credentialsId)
        let device = try #require(try await fixture.store.device(name: "meter-42", tenantId: fixture.tenant.id))
        #expect(device.deviceProfileId == profile.id)
    }

    @Test func aLeafOfNoProfilesCAIsNotProvisioned() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await chainProfile(fixture, ca: try TestCertificateAuthority(commonName: "Fleet CA"), name: "fleet")
        let stranger = try TestCertificateAuthority(commonName: "Fleet CA")  // same name, another key
        let leaf = try stranger.issue(commonName: "intruder")
        #expect(try await service(fixture).provision(certificateChain: try presented(leaf), context: Self.context) == nil)
        let selfSigned = try TestCertificateAuthority.selfSigned(commonName: "lonely")
        #expect(try await service(fixture).provision(certificateChain: try presented(selfSigned), context: Self.context) == nil)
        #expect(try await fixture.store.device(name: "intruder", tenantId: fixture.tenant.id) == nil)
    }

    @Test func anExpiredLeafOfAProfilesCAIsRefused() async throws {
        let fixture = try await CoreFixture.make()
        let ca = try TestCertificateAuthority(commonName: "Fleet CA")
        _ = try await chainProfile(fixture, ca: ca, name: "fleet")
        let leaf = try ca.issue(commonName: "late", notValidBefore: Date().addingTimeInterval(-7200), notValidAfter: Date().addingTimeInterval(-3600))
        await #expect(throws: ProvisionError.failure(.certificateNotValid)) {
            try await service(fixture).provision(certificateChain: try presented(leaf), context: Self.context)
        }
    }
}
