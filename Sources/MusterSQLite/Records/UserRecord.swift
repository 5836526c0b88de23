import Foundation
import GRDB
import MusterCore

/// Maps rows of `users` to and from ``User``.
enum UserRecord {
    static let table = "users"

    /// The columns ``decode(_:)`` reads, in order.
    static let columns = "id, tenant_id, email, authority, first_name, last_name, created_time, password_hash"

    static let insertSQL = "INSERT INTO users (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

    static func insertArguments(_ user: User) -> StatementArguments {
        [
            user.id, user.tenantId, user.email, user.authority.rawValue, user.firstName, user.lastName,
            user.createdTime, user.passwordHash,
        ]
    }

    static func decode(_ row: Row) throws -> User {
        User(
            id: try row.decode(atIndex: 0),
            tenantId: try row.decode(atIndex: 1),
            email: try row.decode(atIndex: 2),
            authority: try StoredValue.enumCase(
                Authority.self, row.decode(atIndex: 3), table: table, column: "authority"),
            firstName: try row.decode(atIndex: 4),
            lastName: try row.decode(atIndex: 5),
            createdTime: try row.decode(atIndex: 6),
            passwordHash: try row.decode(atIndex: 7)
        )
    }
}
