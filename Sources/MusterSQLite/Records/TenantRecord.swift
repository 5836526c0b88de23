import Foundation
import GRDB
import MusterCore

/// Maps rows of `tenants` to and from ``Tenant``.
enum TenantRecord {
    /// The columns ``decode(_:)`` reads, in order.
    static let columns = "id, title, created_time"

    static let insertSQL = "INSERT INTO tenants (id, title, search_text, created_time) VALUES (?, ?, ?, ?)"

    static func insertArguments(_ tenant: Tenant) -> StatementArguments {
        [tenant.id, tenant.title, SearchText.fold(tenant.title), tenant.createdTime]
    }

    static func decode(_ row: Row) throws -> Tenant {
        Tenant(
            id: try row.decode(atIndex: 0), title: try row.decode(atIndex: 1), createdTime: try row.decode(atIndex: 2))
    }
}
