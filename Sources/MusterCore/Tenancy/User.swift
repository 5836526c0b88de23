import Foundation

/// What a user may do, with ThingsBoard's authority names.
package enum Authority: String, Sendable, Codable, CaseIterable {
    case systemAdmin = "SYS_ADMIN"
    case tenantAdmin = "TENANT_ADMIN"
}

/// A user who logs in to the admin API.
package struct User: Sendable, Hashable {
    package var id: UUID
    /// The tenant of a tenant admin; `nil` for a system admin.
    package var tenantId: UUID?
    package var email: String
    package var authority: Authority
    package var firstName: String?
    package var lastName: String?
    package var createdTime: Int64
    /// The stored password hash (see ``PasswordHasher``); empty when the user has no password yet.
    package var passwordHash: String

    package init(
        id: UUID, tenantId: UUID?, email: String, authority: Authority, firstName: String? = nil,
        lastName: String? = nil, createdTime: Int64, passwordHash: String
    ) {
        self.id = id
        self.tenantId = tenantId
        self.email = email
        self.authority = authority
        self.firstName = firstName
        self.lastName = lastName
        self.createdTime = createdTime
        self.passwordHash = passwordHash
    }
}
