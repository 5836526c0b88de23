import Foundation

/// Tenants, users and installation settings.
package protocol DirectoryStore: Sendable {
    /// Whether any user exists (false on the first start of an empty data directory).
    func hasUsers() async throws -> Bool
    func insertTenant(_ tenant: Tenant) async throws
    func tenant(id: UUID) async throws -> Tenant?
    func tenants(_ page: PageLink) async throws -> Page<Tenant>
    /// - Returns: `false` when the email is taken.
    func insertUser(_ user: User) async throws -> Bool
    func user(email: String) async throws -> User?
    func user(id: UUID) async throws -> User?
    func updatePasswordHash(userId: UUID, hash: String) async throws
    /// The stored value of a named installation setting, storing `makeValue()` first if there is none.
    func setting(_ name: String, orInsert makeValue: @Sendable () -> String) async throws -> String
    /// Sets a named installation setting to `value`, replacing what was stored (a rotated JWT signing key); one
    /// statement, atomic.
    func replaceSetting(_ name: String, value: String) async throws
}
