import MusterCore
import MusterTestSupport
import Testing

@Suite struct AuthServiceTests {
    @Test func loginRefreshAndExpiry() async throws {
        let fixture = try await CoreFixture.make()
        _ = try await fixture.tenants.createUser(
            email: "admin@example.com", authority: .tenantAdmin, tenantId: fixture.tenant.id, firstName: nil, lastName: nil,
            password: "correct-horse"
        )
        let auth = AuthService(store: fixture.store, signer: JWTSigner(keyBytes: SecureRandom.bytes(64)), clock: fixture.clock)
        await #expect(throws: AuthError.invalidCredentials) { try await auth.login(email: "admin@example.com", password: "wrong-horse") }
        await #expect(throws: AuthError.invalidCredentials) { try await auth.login(email: "nobody@example.com", password: "correct-horse") }
        let pair = try await auth.login(email: "admin@example.com", password: "correct-horse")
        let principal = try auth.authenticate(pair.token)
        #expect(principal.tenantId == fixture.tenant.id)
        #expect(principal.authority == .tenantAdmin)
        #expect(throws: AuthError.invalidToken) { try auth.authenticate(pair.refreshToken + "x") }
        #expect(throws: AuthError.invalidToken) { try auth.authenticate(pair.refreshToken) }

        fixture.clock.advance(by: 9001 * 1000)
        #expect(throws: AuthError.tokenExpired) { try auth.authenticate(pair.token) }
        let refreshed = try await auth.refresh(pair.refreshToken)
        #expect(try auth.authenticate(refreshed.token).userId == principal.userId)

        let other = AuthService(store: fixture.store, signer: JWTSigner(keyBytes: SecureRandom.bytes(64)), clock: fixture.clock)
        #expect(throws: AuthError.invalidToken) { try other.authenticate(refreshed.token) }
    }
}
