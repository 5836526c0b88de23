import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// Whether any user exists.
    package func hasUsers() async throws -> Bool {
        try await dbPool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users)") ?? false
        }
    }

    /// Inserts `tenant`.
    /// - Throws: A `DatabaseError` when its id is taken.
    package func insertTenant(_ tenant: Tenant) async throws {
        try await dbPool.write { db in
            try db.execute(sql: TenantRecord.insertSQL, arguments: TenantRecord.insertArguments(tenant))
        }
    }

    /// The tenant with `id`.
    package func tenant(id: UUID) async throws -> Tenant? {
        try await dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(TenantRecord.columns) FROM tenants WHERE id = ?", arguments: [id])
                .map(TenantRecord.decode)
        }
    }

    /// A page of tenants; `textSearch` is a case-insensitive prefix of the title, and ``PageLink/SortProperty/name``
    /// sorts by title.
    package func tenants(_ page: PageLink) async throws -> Page<Tenant> {
        let query = PageQuery(page)
        let filter = "WHERE 1 = 1" + query.searchCondition("search_text")
        var arguments = StatementArguments()
        query.appendSearchArguments(to: &arguments)
        let countArguments = arguments
        query.appendLimitArguments(to: &arguments)
        let pageArguments = arguments
        let countSQL = "SELECT COUNT(*) FROM tenants \(filter)"
        let pageSQL = "SELECT \(TenantRecord.columns) FROM tenants \(filter) ORDER BY \(query.ordering())"
        return try await dbPool.read { db in
            let total = try Int.fetchOne(db, sql: countSQL, arguments: countArguments) ?? 0
            let tenants = try Row.fetchAll(db, sql: pageSQL + query.limitClause, arguments: pageArguments)
                .map(TenantRecord.decode)
            return query.page(tenants, total: total)
        }
    }

    /// Inserts `user`.
    /// - Returns: `false` when the email is taken (compared case-insensitively); nothing is written then.
    package func insertUser(_ user: User) async throws -> Bool {
        try await write(onViolation: { $0 == .userEmail ? false : nil }) { db in
            try db.execute(sql: UserRecord.insertSQL, arguments: UserRecord.insertArguments(user))
            return true
        }
    }

    /// The user whose email is `email`, compared case-insensitively.
    package func user(email: String) async throws -> User? {
        try await dbPool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(UserRecord.columns) FROM users WHERE email = ?", arguments: [email]
            ).map(UserRecord.decode)
        }
    }

    /// The user with `id`.
    package func user(id: UUID) async throws -> User? {
        try await dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(UserRecord.columns) FROM users WHERE id = ?", arguments: [id])
                .map(UserRecord.decode)
        }
    }

    /// The users of `tenantId` (`nil`: the system administrators), by e-mail, at most 1,000.
    package func users(tenantId: UUID?) async throws -> [User] {
        try await dbPool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(UserRecord.columns) FROM users WHERE tenant_id IS ? ORDER BY email LIMIT 1000",
                arguments: [tenantId]
            ).map(UserRecord.decode)
        }
    }

    /// Replaces the password hash of `userId`; an unknown id changes nothing.
    package func updatePasswordHash(userId: UUID, hash: String) async throws {
        try await dbPool.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userId])
        }
    }

    /// The stored value of setting `name`, inserting `makeValue()` first when there is none. The insert and the
    /// read back share one transaction, so concurrent first calls all get the value that won.
    package func setting(_ name: String, orInsert makeValue: @Sendable () -> String) async throws -> String {
        let select = "SELECT value FROM settings WHERE name = ?"
        if let value = try await dbPool.read({ try String.fetchOne($0, sql: select, arguments: [name]) }) {
            return value
        }
        let candidate = makeValue()
        return try await dbPool.write { db in
            try db.execute(
                sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                arguments: [name, candidate]
            )
            guard let value = try String.fetchOne(db, sql: select, arguments: [name]) else {
                throw SQLiteStoreError.invalidStoredValue(table: "settings", column: "value")
            }
            return value
        }
    }
}
