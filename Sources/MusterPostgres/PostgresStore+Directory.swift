import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: DirectoryStore {
    private static let tenantColumns = "id, title, created_time"
    private static let userColumns = "id, tenant_id, email, authority, first_name, last_name, created_time, password_hash"

    /// Whether any user exists.
    package func hasUsers() async throws -> Bool {
        try await scalar(Bool.self, "SELECT EXISTS (SELECT 1 FROM users)") ?? false
    }

    /// Inserts `tenant`.
    /// - Throws: A `PSQLError` when its id is taken.
    package func insertTenant(_ tenant: Tenant) async throws {
        try await statement(
            """
            INSERT INTO tenants (id, title, search_text, created_time)
            VALUES (\(tenant.id), \(tenant.title), \(SearchText.fold(tenant.title)), \(tenant.createdTime))
            """)
    }

    /// The tenant with `id`.
    package func tenant(id: UUID) async throws -> Tenant? {
        try await rows(
            "SELECT \(unescaped: Self.tenantColumns) FROM tenants WHERE id = \(id)", Self.decodeTenant
        ).first
    }

    /// A page of tenants; `textSearch` is a case-insensitive prefix of the title, and ``PageLink/SortProperty/name``
    /// sorts by title.
    package func tenants(_ link: PageLink) async throws -> Page<Tenant> {
        let page = PostgresPageQuery(link)
        let filter = SQLBuilder("FROM tenants WHERE true")
        page.appendSearchCondition("search_text", to: filter)
        let count = filter.prefixed("SELECT count(*) ")
        let select = filter.prefixed("SELECT \(Self.tenantColumns) ")
        select.append(" ORDER BY \(page.ordering())")
        page.appendLimit(to: select)
        let countQuery = count.query
        let selectQuery = select.query
        return try await snapshot { [self] connection in
            let total = try await scalar(Int.self, countQuery, on: connection) ?? 0
            return page.page(try await rows(selectQuery, on: connection, Self.decodeTenant), total: total)
        }
    }

    /// Inserts `user`.
    /// - Returns: `false` when the email is taken (compared case-insensitively); nothing is written then.
    package func insertUser(_ user: User) async throws -> Bool {
        try await execute(
            """
            INSERT INTO users (\(unescaped: Self.userColumns))
            VALUES (\(user.id), \(user.tenantId), \(user.email), \(user.authority.rawValue), \(user.firstName),
                \(user.lastName), \(user.createdTime), \(user.passwordHash))
            """, onViolation: { $0 == .userEmail ? false : nil }, otherwise: true)
    }

    /// The user whose email is `email`, compared case-insensitively (the unique index's `lower(email)`).
    package func user(email: String) async throws -> User? {
        try await rows(
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE lower(email) = lower(\(email))", Self.decodeUser
        ).first
    }

    /// The user with `id`.
    package func user(id: UUID) async throws -> User? {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)", Self.decodeUser).first
    }

    /// The users of `tenantId` (`nil`: the system administrators), by e-mail, at most 1,000.
    package func users(tenantId: UUID?) async throws -> [User] {
        try await rows(
            "SELECT \(unescaped: Self.userColumns) FROM users WHERE tenant_id IS NOT DISTINCT FROM \(tenantId)::uuid ORDER BY email LIMIT 1000",
            Self.decodeUser)
    }

    /// Replaces the password hash of `userId`; an unknown id changes nothing.
    package func updatePasswordHash(userId: UUID, hash: String) async throws {
        try await statement("UPDATE users SET password_hash = \(hash) WHERE id = \(userId)")
    }

    /// The stored value of setting `name`, inserting `makeValue()` first when there is none. Concurrent first
    /// calls all get the value that won: `ON CONFLICT DO NOTHING` waits for a concurrent insert to commit, and the
    /// next statement's snapshot sees it.
    package func setting(_ name: String, orInsert makeValue: @Sendable () -> String) async throws -> String {
        if let value = try await scalar(String.self, "SELECT value FROM settings WHERE name = \(name)") {
            return value
        }
        let candidate = makeValue()
        try await statement(
            "INSERT INTO settings (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING")
        guard let value = try await scalar(String.self, "SELECT value FROM settings WHERE name = \(name)") else {
            throw PostgresStoreError.invalidStoredValue(table: "settings", column: "value")
        }
        return value
    }

    private static func decodeTenant(_ row: PostgresRow) throws -> Tenant {
        let (id, title, createdTime) = try row.decode((UUID, String, Int64).self)
        return Tenant(id: id, title: title, createdTime: createdTime)
    }

    private static func decodeUser(_ row: PostgresRow) throws -> User {
        let (id, tenantId, email, authority, firstName, lastName, createdTime, passwordHash) = try row.decode(
            (UUID, UUID?, String, String, String?, String?, Int64, String).self)
        guard let authority = Authority(rawValue: authority) else {
            throw PostgresStoreError.invalidStoredValue(table: "users", column: "authority")
        }
        return User(
            id: id, tenantId: tenantId, email: email, authority: authority, firstName: firstName, lastName: lastName,
            createdTime: createdTime, passwordHash: passwordHash)
    }
}
