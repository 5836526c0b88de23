import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Spec §3.4: ThingsBoard's MQTT username / password / client-id matching order, and X.509 hash lookup.
@Suite struct DeviceAuthenticatorTests {
    private func basic(_ fixture: CoreFixture, _ name: String, clientId: String?, userName: String?, password: String?) async throws -> Device {
        let value = MQTTBasicCredentials(clientId: clientId, userName: userName, password: password).json
        return try await fixture.devices.save(
            EntityDraft(name: name), credentials: CredentialsDraft(type: .mqttBasic, credentialsId: nil, credentialsValue: value),
            tenantId: fixture.tenant.id
        )
    }

    private func authenticate(_ fixture: CoreFixture, clientId: String = "", username: String?, password: String? = nil) async throws -> Device {
        try await DeviceAuthenticator(devices: fixture.store).authenticate(
            mqtt: MQTTConnectCredentials(clientId: clientId, username: username, password: password)
        )
    }

    @Test func accessTokenIgnoresPasswordAndClientId() async throws {
        let fixture = try await CoreFixture.make()
        let device = try await fixture.devices.save(EntityDraft(name: "tok"), accessToken: "token-1", tenantId: fixture.tenant.id)
        #expect(try await authenticate(fixture, clientId: "any", username: "token-1", password: "whatever").id == device.id)
        await #expect(throws: DeviceAuthenticationFailure.unknownCredentials) {
            try await authenticate(fixture, username: "token-2")
        }
    }

    @Test func clientIdOnlyMQTTBasic() async throws {
        let fixture = try await CoreFixture.make()
        let device = try await basic(fixture, "cid", clientId: "client-A", userName: nil, password: nil)
        #expect(try await authenticate(fixture, clientId: "client-A", username: nil).id == device.id)
        await #expect(throws: DeviceAuthenticationFailure.unknownCredentials) {
            try await authenticate(fixture, clientId: "client-B", username: nil)
        }
    }

    @Test func clientIdUserNamePasswordAndNoFallbackOnWrongPassword() async throws {
        // Given MQTT basic {C, U, P} and an access token "U" held by another device
        let fixture = try await CoreFixture.make()
        let device = try await basic(fixture, "full", clientId: "C", userName: "U", password: "P")
        let holder = try await fixture.devices.save(EntityDraft(name: "token-holder"), accessToken: "U", tenantId: fixture.tenant.id)
        // Then MQTT basic wins, a wrong password is rejected without fallback, a missing password too
        #expect(try await authenticate(fixture, clientId: "C", username: "U", password: "P").id == device.id)
        await #expect(throws: DeviceAuthenticationFailure.passwordMismatch) {
            try await authenticate(fixture, clientId: "C", username: "U", password: "wrong")
        }
        await #expect(throws: DeviceAuthenticationFailure.passwordMismatch) {
            try await authenticate(fixture, clientId: "C", username: "U")
        }
        // And another client id falls back to the access token
        #expect(try await authenticate(fixture, clientId: "other", username: "U").id == holder.id)
    }

    @Test func userNameOnlyMQTTBasicIsCheckedByUserName() async throws {
        let fixture = try await CoreFixture.make()
        let device = try await basic(fixture, "user-only", clientId: nil, userName: "only-user", password: "pw")
        #expect(try await authenticate(fixture, clientId: "", username: "only-user", password: "pw").id == device.id)
        #expect(try await authenticate(fixture, clientId: "random-client", username: "only-user", password: "pw").id == device.id)
        await #expect(throws: DeviceAuthenticationFailure.passwordMismatch) {
            try await authenticate(fixture, clientId: "random-client", username: "only-user", password: "bad")
        }
    }

    @Test func x509HashMatchesOnlyX509Credentials() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await fixture.devices.save(EntityDraft(name: "tok"), accessToken: "abc", tenantId: fixture.tenant.id)
        let authenticator = DeviceAuthenticator(devices: fixture.store)
        await #expect(throws: DeviceAuthenticationFailure.credentialsMismatch) { try await authenticator.authenticate(x509Hash: "abc") }
        await #expect(throws: DeviceAuthenticationFailure.unknownCredentials) { try await authenticator.authenticate(x509Hash: "nope") }
    }

    @Test func profileTransportTypeMustBeDefaultOrMQTT() async throws {
        let fixture = try await CoreFixture.make()
        let coap = try await fixture.profiles.saveDeviceProfile(DeviceProfileDraft(name: "coap-only", transportType: "COAP"), tenantId: fixture.tenant.id)
        let mqtt = try await fixture.profiles.saveDeviceProfile(DeviceProfileDraft(name: "mqtt-only", transportType: "MQTT"), tenantId: fixture.tenant.id)
        _ = try await fixture.devices.save(EntityDraft(name: "c", profileId: coap.id), accessToken: "coap-token", tenantId: fixture.tenant.id)
        let device = try await fixture.devices.save(EntityDraft(name: "m", profileId: mqtt.id), accessToken: "mqtt-token", tenantId: fixture.tenant.id)
        let authenticator = DeviceAuthenticator(devices: fixture.store, profiles: fixture.store)
        let credentials = { (token: String) in MQTTConnectCredentials(clientId: "", username: token, password: nil) }
        #expect(try await authenticator.authenticate(mqtt: credentials("mqtt-token")).id == device.id)
        await #expect(throws: DeviceAuthenticationFailure.transportNotAllowed(profileTransportType: "COAP")) {
            try await authenticator.authenticate(mqtt: credentials("coap-token"))
        }
    }

    @Test func aChangedTransportTypeAppliesWithinTheCachesLifetime() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.profiles.saveDeviceProfile(DeviceProfileDraft(name: "switch", transportType: "MQTT"), tenantId: fixture.tenant.id)
        _ = try await fixture.devices.save(EntityDraft(name: "s", profileId: profile.id), accessToken: "switch-token", tenantId: fixture.tenant.id)
        let authenticator = DeviceAuthenticator(
            devices: fixture.store, profiles: fixture.store, clock: fixture.clock, transportTypes: ExpiringCache(ttlMilliseconds: 1000)
        )
        let credentials = MQTTConnectCredentials(clientId: "", username: "switch-token", password: nil)
        _ = try await authenticator.authenticate(mqtt: credentials)
        var draft = DeviceProfileDraft(name: "switch", transportType: "COAP")
        draft.id = profile.id
        _ = try await fixture.profiles.saveDeviceProfile(draft, tenantId: fixture.tenant.id)
        _ = try await authenticator.authenticate(mqtt: credentials)  // still remembered as MQTT
        fixture.clock.advance(by: 1001)
        await #expect(throws: DeviceAuthenticationFailure.transportNotAllowed(profileTransportType: "COAP")) {
            try await authenticator.authenticate(mqtt: credentials)
        }
    }
}
