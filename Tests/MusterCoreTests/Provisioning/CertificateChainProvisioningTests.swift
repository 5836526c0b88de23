import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// X.509 certificate-chain provisioning (spec §2.8) over a real SQLite store. Certificates are the core's view of them
/// (base64 text, common name, validity): signatures are the PKI adapter's job and are tested in MusterPKITests.
@Suite struct CertificateChainProvisioningTests {
    private static let caBase64 = "Q0EtY2VydGlmaWNhdGUtYnl0ZXM="
    private static let context = ProvisionContext(transport: .mqtt, sourceAddress: "192.0.2.7")

    private func chainProfile(
        _ fixture: CoreFixture, pattern: String? = "(.*)\\.company\\.com", allowCreate: Bool = true, name: String = "x509"
    ) async throws -> DeviceProfile {
        try await fixture.profiles.saveDeviceProfile(
            DeviceProfileDraft(
                name: name, provisionType: .x509CertificateChain,
                provisionConfiguration: ProvisionConfiguration(
                    type: .x509CertificateChain,
                    provisionDeviceSecret: "-----BEGIN CERTIFICATE-----\n\(Self.caBase64)\n-----END CERTIFICATE-----\n",
                    certificateRegExPattern: pattern, allowCreateNewDevicesByX509Certificate: allowCreate
                )
            ),
            tenantId: fixture.tenant.id
        )
    }

    private func certificate(_ commonName: String?, _ fixture: CoreFixture, validFor window: ClosedRange<Int64> = -86_400_000...86_400_000)
        -> ClientCertificate
    {
        let now = fixture.clock.nowMilliseconds()
        let body = Data("leaf:\(commonName ?? "-"):\(window)".utf8).base64EncodedString()
        return ClientCertificate(base64DER: body, commonName: commonName, notValidBefore: now + window.lowerBound, notValidAfter: now + window.upperBound)
    }

    private var ca: ClientCertificate {
        ClientCertificate(base64DER: Self.caBase64, commonName: "Test CA", notValidBefore: 0, notValidAfter: .max)
    }

    private func provisionState(_ fixture: CoreFixture, _ deviceId: UUID) async throws -> AttributeValue? {
        try await fixture.store.attributes(entityId: deviceId, scope: .server, keys: ["provisionState"]).first?.value
    }

    @Test func theProfileKeyIsTheCAsId() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await chainProfile(fixture)
        #expect(profile.provisionDeviceKey == ca.credentialsId)
    }

    @Test func createsTheDeviceNamedByTheCommonNameOnce() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await chainProfile(fixture)
        let leaf = certificate("sensor-1.company.com", fixture)
        let material = try #require(try await fixture.provisioning.provision(certificateChain: [leaf, ca], context: Self.context))
        #expect(material.type == .x509Certificate)
        #expect(material.credentialsId == leaf.credentialsId)
        let device = try #require(try await fixture.store.device(name: "sensor-1", tenantId: fixture.tenant.id))
        #expect(device.deviceProfileId == profile.id)
        #expect(try await provisionState(fixture, device.id) == .string("provisioned"))
        #expect(try await fixture.store.device(credentialsId: leaf.credentialsId)?.0.id == device.id)
        // The same certificate again: the same device, no second one.
        #expect(try await fixture.provisioning.provision(certificateChain: [leaf, ca], context: Self.context) == material)
        let page = try await fixture.store.devices(tenantId: fixture.tenant.id, profileId: profile.id, PageLink(pageSize: 10, page: 0))
        #expect(page.totalElements == 1)
    }

    @Test func aChainWithoutAProfilesCAIsNotAProvisioningAttempt() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await chainProfile(fixture)
        let leaf = certificate("sensor-1.company.com", fixture)
        #expect(try await fixture.provisioning.provision(certificateChain: [leaf], context: Self.context) == nil)
        await fixture.audit.flush()
        let entries = try await fixture.store.auditEntries(tenantId: fixture.tenant.id, filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
        #expect(entries.data.isEmpty)
    }

    @Test func aProfileOfAnotherTypeFoundByHashIsPassedOver() async throws {
        let fixture = try await CoreFixture.make()
        let leaf = certificate("sensor-1.company.com", fixture)
        _ = try await fixture.makeProfile(.allowCreateNewDevices, key: leaf.credentialsId)
        _ = try await chainProfile(fixture)
        let material = try await fixture.provisioning.provision(certificateChain: [leaf, ca], context: Self.context)
        #expect(material?.credentialsId == leaf.credentialsId)
    }

    @Test func notAllowedToCreate() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await chainProfile(fixture, allowCreate: false)
        await #expect(throws: ProvisionError.failure(.deviceNotPreProvisioned)) {
            try await fixture.provisioning.provision(certificateChain: [certificate("ghost.company.com", fixture), ca], context: Self.context)
        }
        #expect(try await fixture.store.device(name: "ghost", tenantId: fixture.tenant.id) == nil)
    }

    @Test func aPreProvisionedDeviceIsBoundToItsCertificate() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await chainProfile(fixture, allowCreate: false)
        let device = try await fixture.devices.save(EntityDraft(name: "pre-1", profileId: profile.id), accessToken: "pre-token", tenantId: fixture.tenant.id)
        let leaf = certificate("pre-1.company.com", fixture)
        let material = try await fixture.provisioning.provision(certificateChain: [leaf, ca], context: Self.context)
        #expect(material?.credentialsId == leaf.credentialsId)
        #expect(try await fixture.store.credentials(deviceId: device.id)?.credentialsId == leaf.credentialsId)
        #expect(try await provisionState(fixture, device.id) == .string("provisioned"))
        // A renewed certificate replaces the X.509 credentials of the provisioned device.
        let renewed = certificate("pre-1.company.com", fixture, validFor: 0...172_800_000)
        _ = try await fixture.provisioning.provision(certificateChain: [renewed, ca], context: Self.context)
        #expect(try await fixture.store.credentials(deviceId: device.id)?.credentialsId == renewed.credentialsId)
    }

    @Test func aProvisionedDeviceWithOtherCredentialsIsNotTakenOver() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await chainProfile(fixture)
        let device = try await fixture.devices.save(EntityDraft(name: "held", profileId: profile.id), accessToken: "held-token", tenantId: fixture.tenant.id)
        try await fixture.store.saveAttributes(
            entityId: device.id, scope: .server, [Attribute(key: "provisionState", value: .string("provisioned"), lastUpdateTs: 1)]
        )
        await #expect(throws: ProvisionError.failure(.credentialsMismatch)) {
            try await fixture.provisioning.provision(certificateChain: [certificate("held.company.com", fixture), ca], context: Self.context)
        }
        #expect(try await fixture.store.credentials(deviceId: device.id)?.credentialsId == "held-token")
    }

    @Test func aNameOwnedByAnotherProfileIsRefused() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await chainProfile(fixture)
        _ = try await fixture.devices.save(EntityDraft(name: "taken"), tenantId: fixture.tenant.id)
        await #expect(throws: ProvisionError.failure(.deviceNameTaken)) {
            try await fixture.provisioning.provision(certificateChain: [certificate("taken.company.com", fixture), ca], context: Self.context)
        }
    }

    @Test func expiredOrNotYetValidCertificatesAreRefused() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await chainProfile(fixture)
        for window in [Int64(-172_800_000)...(-86_400_000), Int64(86_400_000)...172_800_000] {
            await #expect(throws: ProvisionError.failure(.certificateNotValid)) {
                try await fixture.provisioning.provision(certificateChain: [certificate("old.company.com", fixture, validFor: window), ca], context: Self.context)
            }
        }
        #expect(try await fixture.store.device(name: "old", tenantId: fixture.tenant.id) == nil)
    }

    @Test func commonNamePatternsFromThingsBoardsTests() throws {
        let cases: [(String, String, String)] = [
            ("([^@]+)", "deviceCertificate@X509ProvisionStrategy", "deviceCertificate"),
            ("(.*)\\.company.com", "DeviceA.company.com", "DeviceA"),
            ("(.*)@company.com", "DeviceA@company.com", "DeviceA"),
            ("prefix(.*)suffix@company.com", "prefixDeviceAsuffix@company.com", "DeviceA"),
            ("\\D+\\.(.*)\\.\\d+@company.com", "region.DeviceA.220423@company.com", "DeviceA"),
        ]
        for (pattern, commonName, name) in cases {
            #expect(try ProvisionService.deviceName(commonName: commonName, pattern: pattern) == name)
        }
    }

    @Test func unmatchedOrBrokenPatterns() throws {
        #expect(throws: ProvisionError.failure(.certificateNameUnmatched)) {
            try ProvisionService.deviceName(commonName: "device.other.org", pattern: "(.*)\\.company\\.com")
        }
        #expect(throws: ProvisionError.failure(.certificateNameUnmatched)) {
            try ProvisionService.deviceName(commonName: "device", pattern: "device")
        }
        #expect(throws: ProvisionError.failure(.certificateNameUnmatched)) { try ProvisionService.deviceName(commonName: nil, pattern: "(.*)") }
        #expect(throws: ProvisionError.failure(.invalidCertificatePattern)) {
            try ProvisionService.deviceName(commonName: "device", pattern: "(unclosed")
        }
    }

    @Test func failuresAreAuditedAndCounted() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 2)
        _ = try await chainProfile(fixture, allowCreate: false)
        for _ in 0..<2 {
            _ = try? await fixture.provisioning.provision(certificateChain: [certificate("nobody.company.com", fixture), ca], context: Self.context)
        }
        await #expect(throws: ProvisionError.rateLimited(retryAfterSeconds: 60)) {
            try await fixture.provisioning.provision(certificateChain: [certificate("nobody.company.com", fixture), ca], context: Self.context)
        }
        await fixture.audit.flush()
        let entries = try await fixture.store.auditEntries(tenantId: fixture.tenant.id, filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
        #expect(entries.data.map(\.reason).contains("DEVICE_NOT_PRE_PROVISIONED"))
    }
}
