import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Rotating a profile's provision secret with an overlap, and a provision key's expiry (issue 16), against a real
/// store and a mock clock.
@Suite struct SecretRotationTests {
    private func request(_ profile: DeviceProfile, _ name: String, secret: String) -> ProvisionRequest {
        ProvisionRequest(provisionDeviceKey: profile.provisionDeviceKey ?? "", provisionDeviceSecret: secret, deviceName: name)
    }

    /// Saves `profile` again with `secret`, `previousSecretValidUntil` and `validUntil`.
    private func resave(
        _ fixture: CoreFixture, _ profile: DeviceProfile, secret: String, previousUntil: Int64? = nil,
        validUntil: Int64? = nil
    ) async throws -> DeviceProfile {
        var configuration = profile.provisionConfiguration
        configuration.provisionDeviceSecret = secret
        configuration.previousSecretValidUntil = previousUntil
        configuration.previousProvisionDeviceSecret = "chosen-by-the-client"
        configuration.validUntil = validUntil
        return try await fixture.profiles.saveDeviceProfile(
            DeviceProfileDraft(
                id: profile.id, name: profile.name, provisionType: profile.provisionType,
                provisionDeviceKey: profile.provisionDeviceKey, provisionConfiguration: configuration),
            tenantId: fixture.tenant.id)
    }

    private func outcome(_ fixture: CoreFixture, _ request: ProvisionRequest) async -> String {
        do {
            _ = try await fixture.provisioning.provision(request, context: CoreFixture.context)
            return "SUCCESS"
        } catch .notFound(let reason) {
            return "NOT_FOUND:\(reason.rawValue)"
        } catch {
            return "\(error)"
        }
    }

    @Test func theOldSecretWorksUntilTheOverlapEndsAndTheAuditSaysWhichWasUsed() async throws {
        let fixture = try await CoreFixture.make()
        let original = try await fixture.makeProfile(.allowCreateNewDevices, secret: "old-secret")
        let now = fixture.clock.nowMilliseconds()
        let rotated = try await resave(fixture, original, secret: "new-secret", previousUntil: now + 60_000)
        #expect(rotated.provisionConfiguration.previousProvisionDeviceSecret == "old-secret", "the server's, not the client's")
        #expect(rotated.provisionConfiguration.previousSecretValidUntil == now + 60_000)

        #expect(await outcome(fixture, request(rotated, "d-old", secret: "old-secret")) == "SUCCESS")
        #expect(await outcome(fixture, request(rotated, "d-new", secret: "new-secret")) == "SUCCESS")
        #expect(await outcome(fixture, request(rotated, "d-bad", secret: "other")) == "NOT_FOUND:SECRET_MISMATCH")
        // Saved again with the same secret and no end: the overlap goes on.
        let again = try await resave(fixture, rotated, secret: "new-secret")
        #expect(again.provisionConfiguration.previousProvisionDeviceSecret == "old-secret")

        fixture.clock.advance(by: 60_000)
        #expect(await outcome(fixture, request(rotated, "d-late", secret: "old-secret")) == "NOT_FOUND:PREVIOUS_SECRET_EXPIRED")
        #expect(await outcome(fixture, request(rotated, "d-new2", secret: "new-secret")) == "SUCCESS")

        await fixture.audit.flush()
        let page = try await fixture.store.auditEntries(
            tenantId: fixture.tenant.id, filter: AuditFilter(), PageLink(pageSize: 20, page: 0))
        let byDevice = Dictionary(page.data.compactMap { e in e.deviceName.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        #expect(byDevice["d-old"]?.details == "secret: previous (rotation overlap)")
        #expect(byDevice["d-new"]?.details == "secret: current (rotation overlap)")
        #expect(byDevice["d-new2"]?.details == nil, "no overlap any more")
        #expect(byDevice["d-late"]?.reason == "PREVIOUS_SECRET_EXPIRED")
        let text = page.data.map { "\($0)" }.joined()
        #expect(!text.contains("old-secret") && !text.contains("new-secret"))
    }

    @Test func aNewSecretWithoutAFutureEndHasNoOverlap() async throws {
        let fixture = try await CoreFixture.make()
        let original = try await fixture.makeProfile(.allowCreateNewDevices, secret: "old-secret")
        let now = fixture.clock.nowMilliseconds()
        for end in [nil, now - 1] as [Int64?] {
            let rotated = try await resave(fixture, original, secret: "new-\(end ?? 0)", previousUntil: end)
            #expect(rotated.provisionConfiguration.previousProvisionDeviceSecret == nil)
            #expect(await outcome(fixture, request(rotated, "d", secret: "old-secret")) == "NOT_FOUND:SECRET_MISMATCH")
        }
    }

    @Test func anOverlapEndsWhenTheProfileIsSavedWithAPastEnd() async throws {
        let fixture = try await CoreFixture.make()
        let original = try await fixture.makeProfile(.checkPreProvisionedDevices, secret: "old-secret")
        let now = fixture.clock.nowMilliseconds()
        let rotated = try await resave(fixture, original, secret: "new-secret", previousUntil: now + 3_600_000)
        let ended = try await resave(fixture, rotated, secret: "new-secret", previousUntil: 0)
        #expect(ended.provisionConfiguration.previousProvisionDeviceSecret == nil)
        #expect(await outcome(fixture, request(ended, "d", secret: "old-secret")) == "NOT_FOUND:SECRET_MISMATCH")
    }

    @Test func anExpiredKeyAdmitsNoDevice() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices, secret: "s")
        let now = fixture.clock.nowMilliseconds()
        let expiring = try await resave(fixture, profile, secret: "s", validUntil: now + 1000)
        #expect(await outcome(fixture, request(expiring, "before", secret: "s")) == "SUCCESS")
        fixture.clock.advance(by: 1000)
        #expect(await outcome(fixture, request(expiring, "after", secret: "s")) == "NOT_FOUND:KEY_EXPIRED")
        #expect(await outcome(fixture, request(expiring, "before", secret: "s")) == "NOT_FOUND:KEY_EXPIRED", "re-sends too")
        #expect(await outcome(fixture, request(expiring, "x", secret: "wrong")) == "NOT_FOUND:SECRET_MISMATCH")
    }
}

/// A provision key's budget through the provisioning algorithm (issue 16).
@Suite struct ProvisionBudgetTests {
    @Test func theKeyCreatesAtMostItsBudgetAndReSendsStillWork() async throws {
        let fixture = try await CoreFixture.make()
        let profile = try await fixture.makeProfile(.allowCreateNewDevices, secret: "s")
        var configuration = profile.provisionConfiguration
        configuration.maxDevices = 2
        let budgeted = try await fixture.profiles.saveDeviceProfile(
            DeviceProfileDraft(
                id: profile.id, name: profile.name, provisionType: profile.provisionType,
                provisionDeviceKey: profile.provisionDeviceKey, provisionConfiguration: configuration),
            tenantId: fixture.tenant.id)
        func attempt(_ name: String) async -> String {
            do {
                _ = try await fixture.provisioning.provision(
                    ProvisionRequest(provisionDeviceKey: budgeted.provisionDeviceKey ?? "", provisionDeviceSecret: "s", deviceName: name),
                    context: CoreFixture.context)
                return "SUCCESS"
            } catch .notFound(let reason) {
                return "NOT_FOUND:\(reason.rawValue)"
            } catch {
                return "\(error)"
            }
        }
        #expect(await attempt("one") == "SUCCESS")
        #expect(await attempt("two") == "SUCCESS")
        #expect(await attempt("three") == "NOT_FOUND:BUDGET_EXHAUSTED")
        #expect(await attempt("one") == "SUCCESS", "a re-send creates nothing")
        #expect(try await fixture.profiles.devicesCreatedThroughKey(budgeted) == 2)
        await fixture.audit.flush()
        let page = try await fixture.store.auditEntries(
            tenantId: fixture.tenant.id, filter: AuditFilter(), PageLink(pageSize: 20, page: 0))
        #expect(page.data.contains { $0.deviceName == "three" && $0.reason == "BUDGET_EXHAUSTED" && $0.outcome == .notFound })
    }
}

/// The admin JWT key rotated with an overlap (issue 16): tokens of the replaced key are accepted until the overlap
/// ends, new ones are signed with the new key.
@Suite struct JWTKeyRotationTests {
    @Test func tokensOfThePreviousKeyWorkUntilTheOverlapEnds() async throws {
        let fixture = try await CoreFixture.make()
        let user = try await fixture.tenants.createUser(
            email: "rotating@example.com", authority: .tenantAdmin, tenantId: fixture.tenant.id, firstName: nil,
            lastName: nil, password: "correct-horse")
        let first = JWTSigner.generateStoredKey()
        try await fixture.store.replaceSetting(JWTSigner.settingName, value: first)
        let auth = AuthService(store: fixture.store, signer: JWTSigner(storedKey: first), clock: fixture.clock)
        let old = try await auth.login(email: user.email, password: "correct-horse")

        let until = fixture.clock.nowMilliseconds() + 60_000
        try await fixture.store.replaceSetting(
            JWTSigner.previousSettingName, value: JWTSigner.previousSetting(key: first, validUntil: until))
        try await fixture.store.replaceSetting(JWTSigner.settingName, value: JWTSigner.generateStoredKey())
        try await auth.reloadSigningKey()
        #expect(try auth.authenticate(old.token).userId == user.id)
        let fresh = try await auth.login(email: user.email, password: "correct-horse")
        #expect(fresh.token != old.token)
        #expect(throws: AuthError.invalidToken, "new tokens are not signed with the old key") {
            try JWTSigner(storedKey: first).verify(fresh.token)
        }

        fixture.clock.advance(by: 60_000)
        #expect(throws: AuthError.invalidToken) { try auth.authenticate(old.token) }
        #expect(try auth.authenticate(fresh.token).userId == user.id)
    }
}
