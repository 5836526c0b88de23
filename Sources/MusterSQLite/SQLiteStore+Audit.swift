import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// Appends `entries` in one transaction; an entry whose id is already stored is skipped, so a retried batch
    /// is harmless.
    package func appendAuditEntries(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await dbPool.write { db in
            let statement = try db.cachedStatement(sql: AuditEntryRecord.insertSQL)
            for entry in entries {
                try statement.execute(arguments: AuditEntryRecord.insertArguments(entry))
            }
        }
    }

    /// A page of audit entries, newest first, read with the `(tenant_id, time)` index (or `(time)` for every
    /// tenant). `textSearch` is a prefix of the device name (ASCII case-insensitive); the sort property is
    /// ignored.
    /// - Parameter tenantId: The tenant whose entries are read; `nil` reads every entry.
    package func auditEntries(tenantId: UUID?, filter: AuditFilter, _ link: PageLink) async throws -> Page<AuditEntry> {
        let query = PageQuery(link)
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let tenantId {
            conditions.append("tenant_id = ?")
            arguments += [tenantId]
        }
        if let outcome = filter.outcome {
            conditions.append("outcome = ?")
            arguments += [outcome.rawValue]
        }
        if let profileId = filter.profileId {
            conditions.append("profile_id = ?")
            arguments += [profileId]
        }
        if let deviceId = filter.deviceId {
            conditions.append("device_id = ?")
            arguments += [deviceId]
        }
        if let startTime = filter.startTime {
            conditions.append("time >= ?")
            arguments += [startTime]
        }
        if let endTime = filter.endTime {
            conditions.append("time <= ?")
            arguments += [endTime]
        }
        if let action = filter.action {
            conditions.append("action = ?")
            arguments += [action.rawValue]
        }
        if let actor = filter.actor {
            conditions.append("actor = ?")
            arguments += [actor]
        }
        if filter.withoutTenant { conditions.append("tenant_id IS NULL") }
        if let text = link.textSearch, !text.isEmpty {
            conditions.append("device_name LIKE ? ESCAPE '\\'")
            arguments += [Self.likePrefix(text)]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let countArguments = arguments
        query.appendLimitArguments(to: &arguments)
        let pageArguments = arguments
        let countSQL = "SELECT COUNT(*) FROM audit_log \(whereClause)"
        let pageSQL = """
            SELECT \(AuditEntryRecord.columns) FROM audit_log \(whereClause) ORDER BY time DESC, id DESC\(query.limitClause)
            """
        return try await dbPool.read { db in
            let total = try Int.fetchOne(db, sql: countSQL, arguments: countArguments) ?? 0
            let entries = try Row.fetchAll(db, sql: pageSQL, arguments: pageArguments).map(AuditEntryRecord.decode)
            return query.page(entries, total: total)
        }
    }

    /// A `LIKE` pattern matching strings that start with `prefix`, with `%`, `_` and `\` escaped.
    static func likePrefix(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }
}
