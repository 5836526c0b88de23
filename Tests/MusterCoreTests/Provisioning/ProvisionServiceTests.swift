import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Spec §2.2–§2.5 with Muster's decisions, against a real SQLite store.
@Suite struct ProvisionServiceTests {
    private func request(_ profile: DeviceProfile, name: String = "", secret: String = "secret-123") -> ProvisionRequest {
        ProvisionRequest(provisionDeviceKey: profile.provisionDeviceKey ?? "", provisionDeviceSecret: secret, deviceName: name)
    }

    private func provisionState(_ fixture: CoreFixture, _ deviceId: UUID) async throws -> AttributeValue? {
        try await fixture.store.attributes(entityId: deviceId, scope: .server, keys: ["provisionState"]).first?.value
    }

    @Test func notFoundCases() async throws {
        let fixture = try await CoreFixture.make()
        let allow = try await fixture.makeProfile(.allowCreateNewDevices)
        let disabled = try await fixture.makeProfile(.disabled, key: "disabled-key")
        let chain = try await fixture.makeProfile(.x509CertificateChain, key: "chain-key")
        let cases: [(ProvisionRequest, ProvisionNotFoundReason)] = [
            (ProvisionRequest(provisionDeviceKey: "", provisionDeviceSecret: "s"), .emptyKeyOrSecret),
            (ProvisionRequest(provisionDeviceKey: "k", provisionDeviceSecret: ""), .emptyKeyOrSecret),
            (ProvisionRequest(provisionDeviceKey: "no-such-key", provisionDeviceSecret: "s"), .unknownKey),
            (request(allow, secret: "wrong"), .secretMismatch),
            (request(disabled), .strategyDisabled),
            (request(chain), .x509ChainProfile),
        ]
        for (request, reason) in cases {
            await #expect(throws: ProvisionError.notFound(reason)) {
                try await fixture.provisioning.provision(request, context: CoreFixture.context)
            }
        }
    }

    @Test func blankNameFailsBeforeTheKeyIsChecked() async throws {
        let fixture = try await CoreFixture.make()
        await #expect(throws: ProvisionError.failure(.blankDeviceName)) {
            try await fixture.provisioning.provision(
                ProvisionRequest(provisionDeviceKey: "unknown", provisionDeviceSecret: "s", deviceName: "   "), context: CoreFixture.context
            )
        }
    }

    @Test func allowCreateCreatesOnceAndResendReturnsTheSameCredentials() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        let first = try await fixture.provisioning.provision(request(profile, name: " Sensor-1 "), context: CoreFixture.context)
        #expect(first.type == .accessToken)
        #expect(first.credentialsId.count == 20)
        let device = try #require(try await fixture.store.device(name: "Sensor-1", tenantId: fixture.tenant.id))
        #expect(device.type == profile.name)
        #expect(device.deviceProfileId == profile.id)
        #expect(try await provisionState(fixture, device.id) == .string("provisioned"))
        let again = try await fixture.provisioning.provision(request(profile, name: "Sensor-1"), context: CoreFixture.context)
        #expect(again == first)
        let page = try await fixture.store.devices(tenantId: fixture.tenant.id, profileId: profile.id, PageLink(pageSize: 10, page: 0))
        #expect(page.totalElements == 1)
    }

    @Test func rejectPolicyRefusesResend() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices, reprovision: .reject)
        _ = try await fixture.provisioning.provision(request(profile, name: "d1"), context: CoreFixture.context)
        await #expect(throws: ProvisionError.failure(.alreadyProvisioned)) {
            try await fixture.provisioning.provision(request(profile, name: "d1"), context: CoreFixture.context)
        }
    }

    @Test func allowCreateRefusesDevicesItDidNotProvision() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        let other = try await fixture.makeProfile(.allowCreateNewDevices)
        _ = try await fixture.devices.save(EntityDraft(name: "admin-made", profileId: profile.id), tenantId: fixture.tenant.id)
        _ = try await fixture.provisioning.provision(request(other, name: "elsewhere"), context: CoreFixture.context)
        for name in ["admin-made", "elsewhere"] {
            await #expect(throws: ProvisionError.failure(.deviceNameTaken)) {
                try await fixture.provisioning.provision(request(profile, name: name), context: CoreFixture.context)
            }
        }
    }

    @Test func withoutNameEveryRequestCreatesAnotherDevice() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        let first = try await fixture.provisioning.provision(request(profile), context: CoreFixture.context)
        let second = try await fixture.provisioning.provision(request(profile), context: CoreFixture.context)
        #expect(first != second)
        let page = try await fixture.store.devices(tenantId: fixture.tenant.id, profileId: profile.id, PageLink(pageSize: 10, page: 0))
        #expect(page.totalElements == 2)
        #expect(page.data.allSatisfy { $0.device.name.count == 20 })
    }

    @Test func requestedCredentialsOfEveryType() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var tokenRequest = request(profile, name: "tok")
        tokenRequest.token = "my-token"
        #expect(try await fixture.provisioning.provision(tokenRequest, context: CoreFixture.context).credentialsId == "my-token")

        var basic = request(profile, name: "basic")
        basic.credentialsType = .mqttBasic
        (basic.clientId, basic.username, basic.password) = ("test_clientId", "test_username", "test_password")
        let issued = try await fixture.provisioning.provision(basic, context: CoreFixture.context)
        #expect(issued.credentialsId == SHA3Hash.hex("test_clientId|test_username"))
        #expect(issued.credentialsValue == #"{"clientId":"test_clientId","userName":"test_username","password":"test_password"}"#)
        #expect(try await fixture.provisioning.provision(basic, context: CoreFixture.context) == issued)
        basic.password = "guess"
        await #expect(throws: ProvisionError.failure(.credentialsMismatch)) {
            try await fixture.provisioning.provision(basic, context: CoreFixture.context)
        }

        var x509 = request(profile, name: "cert")
        x509.credentialsType = .x509Certificate
        let certificate = try TestCertificateAuthority.selfSigned(commonName: "cert")
        x509.hash = certificate.pem
        let cert = try await fixture.provisioning.provision(x509, context: CoreFixture.context)
        #expect(cert == CredentialsMaterial(
            type: .x509Certificate, credentialsId: SHA3Hash.hex(certificate.base64), credentialsValue: certificate.base64
        ))

        var usernameOnly = request(profile, name: "bad")
        usernameOnly.username = "u"
        await #expect(throws: ProvisionError.failure(.invalidCredentials(.credentialsIdNotSpecified))) {
            try await fixture.provisioning.provision(usernameOnly, context: CoreFixture.context)
        }
        #expect(try await fixture.store.device(name: "bad", tenantId: fixture.tenant.id) == nil)
    }

    @Test func takenTokenIsAFailureAndWritesNothing() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        _ = try await fixture.devices.save(EntityDraft(name: "holder"), accessToken: "shared-token", tenantId: fixture.tenant.id)
        var taken = request(profile, name: "newcomer")
        taken.token = "shared-token"
        await #expect(throws: ProvisionError.failure(.credentialsTaken)) {
            try await fixture.provisioning.provision(taken, context: CoreFixture.context)
        }
        #expect(try await fixture.store.device(name: "newcomer", tenantId: fixture.tenant.id) == nil)
    }

    @Test func gatewayFlag() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var gateway = request(profile, name: "gw")
        gateway.gateway = true
        _ = try await fixture.provisioning.provision(gateway, context: CoreFixture.context)
        #expect(try await fixture.store.device(name: "gw", tenantId: fixture.tenant.id)?.isGateway == true)
    }

    @Test func checkPreProvisioned() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.checkPreProvisionedDevices)
        let other = try await fixture.makeProfile(.checkPreProvisionedDevices)
        let device = try await fixture.devices.save(EntityDraft(name: "pre-1", profileId: profile.id), accessToken: "pre-token", tenantId: fixture.tenant.id)
        _ = try await fixture.devices.save(EntityDraft(name: "other-1", profileId: other.id), tenantId: fixture.tenant.id)
        #expect(try await provisionState(fixture, device.id) == nil)

        let issued = try await fixture.provisioning.provision(request(profile, name: "pre-1"), context: CoreFixture.context)
        #expect(issued.credentialsId == "pre-token")
        #expect(try await provisionState(fixture, device.id) == .string("provisioned"))
        #expect(try await fixture.provisioning.provision(request(profile, name: "pre-1"), context: CoreFixture.context) == issued)

        for name in ["missing", "other-1", ""] {
            await #expect(throws: ProvisionError.failure(.deviceNotPreProvisioned)) {
                try await fixture.provisioning.provision(request(profile, name: name), context: CoreFixture.context)
            }
        }
        try await fixture.store.saveAttributes(entityId: device.id, scope: .server, [Attribute(key: "provisionState", value: .string("non-valid"), lastUpdateTs: 1)])
        await #expect(throws: ProvisionError.failure(.unknownProvisionState)) {
            try await fixture.provisioning.provision(request(profile, name: "pre-1"), context: CoreFixture.context)
        }
    }

    @Test func checkPreProvisionedRejectPolicy() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.checkPreProvisionedDevices, reprovision: .reject)
        _ = try await fixture.devices.save(EntityDraft(name: "pre-2", profileId: profile.id), tenantId: fixture.tenant.id)
        _ = try await fixture.provisioning.provision(request(profile, name: "pre-2"), context: CoreFixture.context)
        await #expect(throws: ProvisionError.failure(.alreadyProvisioned)) {
            try await fixture.provisioning.provision(request(profile, name: "pre-2"), context: CoreFixture.context)
        }
    }

    @Test func concurrentIdenticalRequestsCreateExactlyOneDevice() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        let results = try await withThrowingTaskGroup(of: CredentialsMaterial.self) { group in
            for _ in 0..<40 {
                group.addTask { try await fixture.provisioning.provision(self.request(profile, name: "race"), context: CoreFixture.context) }
            }
            return try await group.reduce(into: [CredentialsMaterial]()) { $0.append($1) }
        }
        #expect(results.count == 40)
        #expect(Set(results).count == 1)
        let page = try await fixture.store.devices(tenantId: fixture.tenant.id, profileId: profile.id, PageLink(pageSize: 10, page: 0))
        #expect(page.totalElements == 1)
    }

    @Test func everyAttemptIsAuditedWithoutSecrets() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices, secret: "top-secret-value")
        var withToken = request(profile, name: "audited", secret: "top-secret-value")
        withToken.token = "device-token-value"
        _ = try await fixture.provisioning.provision(withToken, context: CoreFixture.context)
        _ = try? await fixture.provisioning.provision(request(profile, name: "x", secret: "wrong-guess"), context: CoreFixture.context)
        await fixture.audit.flush()
        let page = try await fixture.store.auditEntries(tenantId: fixture.tenant.id, filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
        #expect(page.totalElements == 2)
        let outcomes = Set(page.data.map { "\($0.outcome.rawValue):\($0.reason)" })
        #expect(outcomes == ["SUCCESS:PROVISIONED", "NOT_FOUND:SECRET_MISMATCH"])
        #expect(page.data.allSatisfy { $0.profileId == profile.id && $0.sourceAddress == "192.0.2.1" && $0.transport == .http })
        let text = page.data.map { "\($0)" }.joined()
        for secret in ["top-secret-value", "device-token-value", "wrong-guess"] { #expect(!text.contains(secret)) }
    }

    @Test func repeatedFailuresCoolOffTheSource() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 3)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        for _ in 0..<3 {
            _ = try? await fixture.provisioning.provision(request(profile, name: "a", secret: "bad"), context: CoreFixture.context)
        }
        await #expect(throws: ProvisionError.rateLimited(retryAfterSeconds: 60)) {
            try await fixture.provisioning.provision(request(profile, name: "a"), context: CoreFixture.context)
        }
        let elsewhere = ProvisionContext(transport: .http, sourceAddress: "198.51.100.7")
        _ = try await fixture.provisioning.provision(request(profile, name: "a"), context: elsewhere)
        fixture.clock.advance(by: 61_000)
        _ = try await fixture.provisioning.provision(request(profile, name: "b"), context: CoreFixture.context)
    }
}
