import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Issue 20: names, tokens, provisioning credentials and versions, the same on every path.
@Suite struct NameAndCredentialRulesTests {
    @Test func namesAreTrimmedOnEveryAdminPath() async throws {
        let fixture = try await CoreFixture.make()
        let device = try await fixture.devices.save(EntityDraft(name: "  spaced  "), tenantId: fixture.tenant.id)
        #expect(device.name == "spaced")
        #expect(try await fixture.devices.device(name: "spaced", tenantId: fixture.tenant.id).id == device.id)
        await #expect(throws: AdminError.nameTaken(.device)) {
            try await fixture.devices.save(EntityDraft(name: "spaced\u{3000}"), tenantId: fixture.tenant.id)
        }
        await #expect(throws: AdminError.invalidName(.device, .empty)) {
            try await fixture.devices.save(EntityDraft(name: " \t "), tenantId: fixture.tenant.id)
        }
        #expect(EntityName.trimmed("\u{A0}x y\n") == "x y")
    }

    @Test func aPreProvisionedNameWithSpacesProvisions() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.checkPreProvisionedDevices)
        _ = try await fixture.devices.save(
            EntityDraft(name: " pre-sp ", profileId: profile.id), accessToken: "pre-sp-token", tenantId: fixture.tenant.id
        )
        let request = ProvisionRequest(provisionDeviceKey: profile.provisionDeviceKey!, provisionDeviceSecret: "secret-123", deviceName: " pre-sp ")
        #expect(try await fixture.provisioning.provision(request, context: CoreFixture.context).credentialsId == "pre-sp-token")
    }

    @Test(arguments: ["a b", "a/b", "tab\there", "nbsp\u{A0}x", " lead"])
    func tokensAPathCannotCarryAreRefused(_ token: String) {
        #expect(throws: CredentialsError.self) { try CredentialRules.accessToken(token) }
        #expect(throws: CredentialsError.self) {
            try CredentialRules.normalize(type: .accessToken, credentialsId: token, credentialsValue: nil)
        }
    }

    @Test(arguments: ["ü", "a?b", #"tok"q"#, "a%20b", "a+b"])
    func otherTokensAreAccepted(_ token: String) throws {
        #expect(try CredentialRules.accessToken(token).credentialsId == token)
    }

    @Test func provisioningWithMQTTBasicButNoFieldsFails() async throws {
        var request = ProvisionRequest(provisionDeviceKey: "k", provisionDeviceSecret: "s", deviceName: "d", credentialsType: .mqttBasic)
        #expect(throws: CredentialsError.clientIdAndUserNameEmpty) { try ProvisionService.requestedCredentials(request) }
        request.credentialsType = .x509Certificate
        #expect(throws: CredentialsError.certificateNotSpecified) { try ProvisionService.requestedCredentials(request) }
        request.hash = "not-a-certificate"
        #expect(throws: CredentialsError.certificateNotDecodable) { try ProvisionService.requestedCredentials(request) }
        request.hash = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----"
        #expect(throws: CredentialsError.certificateNotDecodable) { try ProvisionService.requestedCredentials(request) }
        let certificate = try TestCertificateAuthority.selfSigned(commonName: "prov-x509")
        request.hash = certificate.pem
        #expect(try ProvisionService.requestedCredentials(request)?.credentialsValue == certificate.base64)
        request.credentialsType = .accessToken
        request.hash = ""
        #expect(try ProvisionService.requestedCredentials(request) == nil)

        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var basic = ProvisionRequest(provisionDeviceKey: profile.provisionDeviceKey!, provisionDeviceSecret: "secret-123", deviceName: "fw-basic")
        basic.credentialsType = .mqttBasic
        await #expect(throws: ProvisionError.failure(.invalidCredentials(.clientIdAndUserNameEmpty))) {
            try await fixture.provisioning.provision(basic, context: CoreFixture.context)
        }
        #expect(try await fixture.store.device(name: "fw-basic", tenantId: fixture.tenant.id) == nil)
    }

    @Test func aStaleVersionIsAConflictAndNoVersionSkipsTheCheck() async throws {
        let fixture = try await CoreFixture.make()
        let created = try await fixture.devices.save(EntityDraft(name: "versioned"), tenantId: fixture.tenant.id)
        var draft = EntityDraft(id: created.id, name: "versioned", label: "first", version: created.version)
        let updated = try await fixture.devices.save(draft, tenantId: fixture.tenant.id)
        #expect(updated.version == created.version + 1)
        draft.label = "stale"
        await #expect(throws: AdminError.versionMismatch(.device)) { try await fixture.devices.save(draft, tenantId: fixture.tenant.id) }
        #expect(try await fixture.devices.device(id: created.id, tenantId: fixture.tenant.id).label == "first")
        draft.version = nil
        #expect(try await fixture.devices.save(draft, tenantId: fixture.tenant.id).label == "stale")

        let profile = try await fixture.makeProfile(.disabled)
        var profileDraft = DeviceProfileDraft(id: profile.id, name: profile.name, description: "new", version: profile.version + 5)
        await #expect(throws: AdminError.versionMismatch(.deviceProfile)) {
            try await fixture.profiles.saveDeviceProfile(profileDraft, tenantId: fixture.tenant.id)
        }
        profileDraft.version = profile.version
        #expect(try await fixture.profiles.saveDeviceProfile(profileDraft, tenantId: fixture.tenant.id).description == "new")

        let assetProfile = try await fixture.profiles.saveAssetProfile(id: nil, name: "ap-versioned", description: nil, tenantId: fixture.tenant.id)
        await #expect(throws: AdminError.versionMismatch(.assetProfile)) {
            try await fixture.profiles.saveAssetProfile(
                id: assetProfile.id, name: "ap-versioned", description: "x", version: assetProfile.version + 1, tenantId: fixture.tenant.id
            )
        }
        #expect(try await fixture.profiles.saveAssetProfile(
            id: assetProfile.id, name: "ap-versioned", description: "y", version: assetProfile.version, tenantId: fixture.tenant.id
        ).description == "y")
    }
}
