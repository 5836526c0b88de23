import Foundation
import MusterCore

/// `POST /api/auth/login` body.
struct LoginRequestDTO: Decodable {
    var username: String?
    var password: String?
}

/// `POST /api/auth/token` body.
struct RefreshRequestDTO: Decodable {
    var refreshToken: String?
}

/// `{"token":…,"refreshToken":…}`.
struct TokenPairDTO: Encodable {
    var token: String
    var refreshToken: String

    init(_ pair: TokenPair) {
        token = pair.token
        refreshToken = pair.refreshToken
    }
}

/// The JSON of a user.
struct UserDTO: Codable {
    var id: EntityIdDTO?
    var createdTime: Int64?
    var tenantId: EntityIdDTO?
    var customerId: EntityIdDTO?
    var email: String
    var authority: Authority
    var firstName: String?
    var lastName: String?
    var name: String?
    var additionalInfo: JSONValue?
    /// Muster extension: the new user's password (never returned).
    var password: String?

    init(_ user: User) {
        id = EntityIdDTO(.user, user.id)
        createdTime = user.createdTime
        tenantId = EntityIdDTO(.tenant, user.tenantId ?? EntityIdentifier.nullUUID)
        customerId = nullCustomerId
        email = user.email
        authority = user.authority
        firstName = user.firstName
        lastName = user.lastName
        name = user.email
        additionalInfo = .object([:])
    }
}

/// The JSON of a tenant.
struct TenantDTO: Codable {
    var id: EntityIdDTO?
    var createdTime: Int64?
    var title: String
    var name: String?

    init(_ tenant: Tenant) {
        id = EntityIdDTO(.tenant, tenant.id)
        createdTime = tenant.createdTime
        title = tenant.title
        name = tenant.title
    }
}

/// `POST /api/noauth/activate` body, and Muster's `POST /api/user/{id}/password`.
struct PasswordDTO: Decodable {
    var password: String
}
