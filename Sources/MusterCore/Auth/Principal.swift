import Foundation

/// The user an admin request acts for, taken from a verified access token.
package struct Principal: Sendable, Hashable {
    package var userId: UUID
    package var tenantId: UUID?
    package var authority: Authority
    package var email: String

    package init(userId: UUID, tenantId: UUID?, authority: Authority, email: String) {
        self.userId = userId
        self.tenantId = tenantId
        self.authority = authority
        self.email = email
    }
}

/// Why authentication failed.
package enum AuthError: Error, Equatable, Sendable {
    case invalidCredentials
    case missingToken
    case invalidToken
    case tokenExpired
    case forbidden
    /// Too many failed logins to this account or from this source: refused for `retryAfterSeconds`, whatever the
    /// password.
    case tooManyFailedLogins(retryAfterSeconds: Int)
}

/// An access token and a refresh token.
package struct TokenPair: Sendable, Hashable {
    package var token: String
    package var refreshToken: String

    package init(token: String, refreshToken: String) {
        self.token = token
        self.refreshToken = refreshToken
    }
}
