import Foundation
import MusterCore
import MusterTestSupport
import Testing

@Suite struct LoginLimitAuthServiceTests {
    private static let password = "correct-horse"

    private func makeAuth(_ fixture: CoreFixture) async throws -> (AuthService, User) {
        let user = try await fixture.tenants.createUser(
            email: "admin@example.com", authority: .tenantAdmin, tenantId: fixture.tenant.id, firstName: nil, lastName: nil,
            password: Self.password
        )
        let limiter = LoginRateLimiter(configuration: .init(
            failuresPerAccount: 3, failuresPerSource: 10, windowMilliseconds: 900_000, coolingOffMilliseconds: 900_000))
        let auth = AuthService(
            store: fixture.store, signer: JWTSigner(keyBytes: SecureRandom.bytes(64)), clock: fixture.clock, limiter: limiter,
            audit: fixture.audit)
        return (auth, user)
    }

    private func entries(_ fixture: CoreFixture) async throws -> [AuditEntry] {
        await fixture.audit.flush()
        return try await fixture.store.auditEntries(tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 100, page: 0)).data
    }

    @Test func lockedAccountIsRefusedEvenWithTheRightPasswordUntilTheCoolingOffEnds() async throws {
        let fixture = try await CoreFixture.make()
        let (auth, user) = try await makeAuth(fixture)
        for _ in 0..<3 {
            await #expect(throws: AuthError.invalidCredentials) {
                try await auth.login(email: "Admin@Example.com", password: "wrong", sourceAddress: "192.0.2.7")
            }
        }
        await #expect(throws: AuthError.tooManyFailedLogins(retryAfterSeconds: 900)) {
            try await auth.login(email: "admin@example.com", password: Self.password, sourceAddress: "192.0.2.8")
        }
        fixture.clock.advance(by: 899_000)
        await #expect(throws: AuthError.tooManyFailedLogins(retryAfterSeconds: 1)) {
            try await auth.login(email: "admin@example.com", password: Self.password, sourceAddress: "192.0.2.8")
        }
        fixture.clock.advance(by: 1000)
        let pair = try await auth.login(email: "admin@example.com", password: Self.password, sourceAddress: "192.0.2.8")
        #expect(try auth.authenticate(pair.token).userId == user.id)

        let log = try await entries(fixture)
        let failed = log.filter { $0.outcome == .loginFailed }
        let lockouts = log.filter { $0.outcome == .lockedOut }
        let refused = log.filter { $0.outcome == .loginRefused }
        let succeeded = log.filter { $0.outcome == .success }
        #expect(log.count == 7 && failed.count == 3 && lockouts.count == 1 && refused.count == 2 && succeeded.count == 1)
        #expect(succeeded.first?.reason == "LOGGED_IN" && succeeded.first?.sourceAddress == "192.0.2.8")
        #expect(log.allSatisfy { $0.action == .login && $0.actor == $0.deviceName })
        #expect(failed.allSatisfy { $0.reason == "INVALID_PASSWORD" && $0.sourceAddress == "192.0.2.7" && $0.deviceName == "Admin@Example.com" })
        #expect(lockouts.allSatisfy { $0.reason == "ACCOUNT_LOCKED" && $0.sourceAddress == "192.0.2.7" })
        #expect(refused.allSatisfy { $0.reason == "ACCOUNT_LOCKED" && $0.sourceAddress == "192.0.2.8" && $0.deviceName == "admin@example.com" })
        #expect(log.allSatisfy { $0.tenantId == fixture.tenant.id && $0.deviceId == user.id && $0.transport == .http })
        #expect(!log.contains { [$0.reason, $0.deviceName ?? "", $0.profileName ?? "", $0.sourceAddress].contains { $0.contains(Self.password) || $0.contains("wrong") } })
    }

    @Test func unknownAccountsCountAndAreAuditedWithoutATenant() async throws {
        let fixture = try await CoreFixture.make()
        let (auth, _) = try await makeAuth(fixture)
        for _ in 0..<3 {
            await #expect(throws: AuthError.invalidCredentials) {
                try await auth.login(email: "ghost@example.com", password: "guess", sourceAddress: "198.51.100.1")
            }
        }
        await #expect(throws: AuthError.tooManyFailedLogins(retryAfterSeconds: 900)) {
            try await auth.login(email: "ghost@example.com", password: "guess", sourceAddress: "198.51.100.1")
        }
        let log = try await entries(fixture)
        #expect(log.count == 5)
        #expect(log.allSatisfy { $0.tenantId == nil && $0.deviceId == nil && $0.deviceName == "ghost@example.com" })
        #expect(log.filter { $0.outcome == .loginFailed }.allSatisfy { $0.reason == "UNKNOWN_ACCOUNT" })
    }

    @Test func successResetsItsAccountButNotTheSource() async throws {
        let fixture = try await CoreFixture.make()
        let (auth, _) = try await makeAuth(fixture)
        _ = try await fixture.tenants.createUser(
            email: "mine@example.com", authority: .tenantAdmin, tenantId: fixture.tenant.id, firstName: nil, lastName: nil,
            password: "mine-password")
        // Nine failures against several accounts from one source, each followed by a success on the attacker's own
        // account: the source's count is not reset, so the tenth failure locks the source.
        for index in 0..<10 {
            await #expect(throws: AuthError.invalidCredentials) {
                try await auth.login(email: "victim\(index)@example.com", password: "guess", sourceAddress: "203.0.113.5")
            }
            if index < 9 { _ = try await auth.login(email: "mine@example.com", password: "mine-password", sourceAddress: "203.0.113.5") }
        }
        await #expect(throws: AuthError.tooManyFailedLogins(retryAfterSeconds: 900)) {
            try await auth.login(email: "mine@example.com", password: "mine-password", sourceAddress: "203.0.113.5")
        }
        // Another source reaches the same account.
        _ = try await auth.login(email: "mine@example.com", password: "mine-password", sourceAddress: "203.0.113.6")
        let lockouts = try await entries(fixture).filter { $0.outcome == .lockedOut }
        #expect(lockouts.map(\.reason) == ["SOURCE_LOCKED"])
    }
}
