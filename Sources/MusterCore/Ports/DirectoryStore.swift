import Foundation

/// Tenants, users and installation settings (``MusterStore``'s contract applies).
package protocol DirectoryStore: Sendable {
    /// Whether any user exists (false on the first start of an empty data directory).
    func hasUsers() async throws -> Bool
    /// Inserts `tenant`.
    /// - Throws: The database's error when its id is taken (ids are fresh: a bug).
    func insertTenant(_ tenant: Tenant) async throws
    /// The tenant with `id`.
    func tenant(id: UUID) async throws -> Tenant?
    /// A page of tenants with the exact total; `textSearch` is a prefix of the folded title (``SearchText``) and
    /// ``PageLink/SortProperty/name`` sorts by it.
    func tenants(_ page: PageLink) async throws -> Page<Tenant>
    /// Inserts `user`.
    /// - Returns: `false`, writing nothing, when the e-mail address is taken (``StoreConstraint/userEmail``:
    ///   installation-wide, ASCII letters compared case-insensitively; beyond ASCII, case folding is the
    ///   database's).
    func insertUser(_ user: User) async throws -> Bool
    /// The user whose e-mail address is `email`, compared as ``insertUser(_:)`` compares them.
    func user(email: String) async throws -> User?
    /// The user with `id`.
    func user(id: UUID) async throws -> User?
    /// The users of `tenantId` (`nil`: the system administrators), by e-mail, at most 1,000.
    func users(tenantId: UUID?) async throws -> [User]
    /// Replaces the password hash of `userId`; an unknown id changes nothing.
    func updatePasswordHash(userId: UUID, hash: String) async throws
    /// The stored value of a named installation setting, storing `makeValue()` first if there is none
    /// (`ON CONFLICT DO NOTHING`): concurrent first calls, on one node or several, all return the value that was
    /// stored first, whoever made it. `makeValue` may be called and its value dropped. The one exception to "a
    /// thrown error wrote nothing": a store may insert and read back in two statements, so an error after the
    /// insert leaves the value stored, and the next call returns it.
    func setting(_ name: String, orInsert makeValue: @Sendable () -> String) async throws -> String
    /// Sets a named installation setting to `value`, replacing what was stored (a rotated JWT signing key); one
    /// statement, atomic.
    func replaceSetting(_ name: String, value: String) async throws
}
