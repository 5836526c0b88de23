import Foundation

/// Logs admins in and verifies their tokens (ThingsBoard's JWT pair: 9,000 s access, 604,800 s refresh).
package struct AuthService: Sendable {
    /// Token lifetimes.
    package struct Configuration: Sendable, Hashable {
        package var accessTokenSeconds: Int64
        package var refreshTokenSeconds: Int64

        package init(accessTokenSeconds: Int64 = 9000, refreshTokenSeconds: Int64 = 604_800) {
            self.accessTokenSeconds = accessTokenSeconds
            self.refreshTokenSeconds = refreshTokenSeconds
        }
    }

    let store: any DirectoryStore
    /// The signer, replaced when the stored key is rotated (``reloadSigningKey()``).
    let signerSlot: JWTSignerSlot
    private var signer: JWTSigner { signerSlot.current }
    private let clock: any WallClock
    private let configuration: Configuration
    private let limiter: LoginRateLimiter
    private let audit: (any AuditSink)?

    /// - Parameters:
    ///   - limiter: Counts failed logins per account and source (off unless given).
    ///   - audit: Receives an entry for each login, done, failed or refused, and each lockout.
    package init(
        store: any DirectoryStore, signer: JWTSigner, clock: any WallClock, configuration: Configuration = .init(),
        limiter: LoginRateLimiter = LoginRateLimiter(configuration: .off), audit: (any AuditSink)? = nil
    ) {
        self.store = store
        self.signerSlot = JWTSignerSlot(signer)
        self.clock = clock
        self.configuration = configuration
        self.limiter = limiter
        self.audit = audit
    }

    /// Checks an email and password. While the account or the source is cooling off after too many failures,
    /// the login is refused without looking at the password.
    /// - Parameter sourceAddress: The client's address, counted by the login limiter and audited.
    /// - Throws: ``AuthError/invalidCredentials`` whatever was wrong (unknown email or bad password);
    ///   ``AuthError/tooManyFailedLogins(retryAfterSeconds:)`` while cooling off.
    package func login(email: String, password: String, sourceAddress: String = "unknown") async throws -> TokenPair {
        let now = clock.nowMilliseconds()
        if let refusal = await limiter.refusal(account: email, source: sourceAddress, now: now) {
            let user = try? await store.user(email: email)
            recordLogin(.loginRefused, reason: refusal.scope.rawValue, email: email, user: user, source: sourceAddress, now: now)
            throw AuthError.tooManyFailedLogins(retryAfterSeconds: refusal.retryAfterSeconds)
        }
        var user: User?
        if !email.isEmpty { user = try await store.user(email: email) }
        var verified = false
        if let hash = user?.passwordHash, !hash.isEmpty, !password.isEmpty {
            verified = await onBackgroundThreads { PasswordHasher.verify(password, against: hash) }
        }
        guard let user, verified else {
            recordLogin(.loginFailed, reason: user == nil ? "UNKNOWN_ACCOUNT" : "INVALID_PASSWORD", email: email, user: user, source: sourceAddress, now: now)
            for scope in await limiter.recordFailure(account: email, source: sourceAddress, now: now) {
                recordLogin(.lockedOut, reason: scope.rawValue, email: email, user: user, source: sourceAddress, now: now)
            }
            throw AuthError.invalidCredentials
        }
        await limiter.recordSuccess(account: email)
        recordLogin(.success, reason: "LOGGED_IN", email: email, user: user, source: sourceAddress, now: now)
        return issue(for: user)
    }

    /// Audits a login, done, failed or refused: the account as typed (at most 256 characters) and the source, never
    /// the password.
    private func recordLogin(_ outcome: ProvisionOutcome, reason: String, email: String, user: User?, source: String, now: Int64) {
        audit?.record(AuditEntry(
            id: UUID(), tenantId: user?.tenantId, time: now, transport: .http, sourceAddress: source, profileId: nil,
            profileName: nil, deviceId: user?.id, deviceName: String(email.prefix(256)), outcome: outcome, reason: reason,
            action: .login, actor: String(email.prefix(256))
        ))
    }

    /// A new pair for a valid refresh token.
    package func refresh(_ refreshToken: String) async throws -> TokenPair {
        let claims = try signerSlot.verify(refreshToken, now: clock.nowMilliseconds())
        guard claims["scopes"] == .array([.string("REFRESH_TOKEN")]) else { throw AuthError.invalidToken }
        try checkExpiry(claims)
        guard let userId = claims["userId"]?.stringValue.flatMap(UUID.init(uuidString:)),
            let user = try await store.user(id: userId)
        else { throw AuthError.invalidToken }
        return issue(for: user)
    }

    /// The principal of a valid, unexpired access token; no storage access.
    package func authenticate(_ token: String) throws(AuthError) -> Principal {
        let claims = try signerSlot.verify(token, now: clock.nowMilliseconds())
        try checkExpiry(claims)
        guard case .array(let scopes)? = claims["scopes"], let scope = scopes.first?.stringValue,
            let authority = Authority(rawValue: scope),
            let userId = claims["userId"]?.stringValue.flatMap(UUID.init(uuidString:)),
            let email = claims["sub"]?.stringValue
        else { throw .invalidToken }
        var tenantId = claims["tenantId"]?.stringValue.flatMap(UUID.init(uuidString:))
        if tenantId == EntityIdentifier.nullUUID { tenantId = nil }
        return Principal(userId: userId, tenantId: tenantId, authority: authority, email: email)
    }

    private func checkExpiry(_ claims: JSONValue) throws(AuthError) {
        guard case .number(let literal)? = claims["exp"], let exp = Int64(literal) else { throw .invalidToken }
        guard exp * 1000 > clock.nowMilliseconds() else { throw .tokenExpired }
    }

    private func issue(for user: User) -> TokenPair {
        let now = clock.nowMilliseconds() / 1000
        let tenant = (user.tenantId ?? EntityIdentifier.nullUUID).uuidString.lowercased()
        let sessionId = UUID().uuidString.lowercased()
        var access: [String: JSONValue] = [
            "sub": .string(user.email), "userId": .string(user.id.uuidString.lowercased()),
            "scopes": .array([.string(user.authority.rawValue)]), "sessionId": .string(sessionId),
            "iss": .string("muster"), "iat": .number(String(now)),
            "exp": .number(String(now + configuration.accessTokenSeconds)),
            "enabled": .bool(true), "isPublic": .bool(false), "tenantId": .string(tenant),
            "customerId": .string(EntityIdentifier.nullUUID.uuidString.lowercased()),
        ]
        if let firstName = user.firstName { access["firstName"] = .string(firstName) }
        if let lastName = user.lastName { access["lastName"] = .string(lastName) }
        let refresh: [String: JSONValue] = [
            "sub": .string(user.email), "userId": .string(user.id.uuidString.lowercased()),
            "scopes": .array([.string("REFRESH_TOKEN")]), "sessionId": .string(sessionId), "iss": .string("muster"),
            "jti": .string(UUID().uuidString.lowercased()), "isPublic": .bool(false), "iat": .number(String(now)),
            "exp": .number(String(now + configuration.refreshTokenSeconds)),
        ]
        return TokenPair(token: signer.sign(.object(access)), refreshToken: signer.sign(.object(refresh)))
    }
}
