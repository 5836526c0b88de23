import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: AuditStore {
    private static let auditColumns = """
        id, tenant_id, time, transport, source_address, profile_id, profile_name, device_id, device_name, outcome, reason, node,
        action, actor, details
        """

    /// Appends `entries` in one transaction; an entry whose id is already stored is skipped, so a retried batch
    /// is harmless. One multi-row `INSERT` per ``auditChunk`` entries: the recorder flushes whatever the requests
    /// left since its last flush, thousands of entries under load, and a statement per entry made the flush as many
    /// round trips.
    package func appendAuditEntries(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await transaction { [self] connection in
            for start in stride(from: 0, to: entries.count, by: Self.auditChunk) {
                let chunk = entries[start..<min(start + Self.auditChunk, entries.count)]
                let statement = SQLBuilder("INSERT INTO audit_log (\(Self.auditColumns)) VALUES ")
                for (index, entry) in chunk.enumerated() {
                    if index > 0 { statement.append(", ") }
                    statement.append(
                        "(\(statement.bind(entry.id)), \(statement.bind(entry.tenantId))::uuid, "
                            + "\(statement.bind(entry.time)), \(statement.bind(entry.transport.rawValue)), "
                            + "\(statement.bind(entry.sourceAddress)), \(statement.bind(entry.profileId))::uuid, "
                            + "\(statement.bind(entry.profileName))::text, \(statement.bind(entry.deviceId))::uuid, "
                            + "\(statement.bind(entry.deviceName))::text, \(statement.bind(entry.outcome.rawValue)), "
                            + "\(statement.bind(entry.reason)), \(statement.bind(entry.node))::text, "
                            + "\(statement.bind(entry.action.rawValue)), \(statement.bind(entry.actor))::text, "
                            + "\(statement.bind(entry.details))::text)")
                }
                statement.append(" ON CONFLICT (id) DO NOTHING")
                try await connection.query(statement.query, logger: logger)
            }
        }
    }

    /// The most audit entries in one `INSERT` (15 parameters each, far below PostgreSQL's 65,535).
    static let auditChunk = 1000

    /// A page of audit entries, newest first, read with the `(tenant_id, time)` index (or `(time)` for every
    /// tenant). `textSearch` is a case-insensitive prefix of the device name; the sort property is ignored.
    /// - Parameter tenantId: The tenant whose entries are read; `nil` reads every entry.
    package func auditEntries(tenantId: UUID?, filter: AuditFilter, _ link: PageLink) async throws -> Page<AuditEntry> {
        let page = PostgresPageQuery(link)
        let conditions = SQLBuilder("FROM audit_log WHERE true")
        if let tenantId { conditions.append(" AND tenant_id = \(conditions.bind(tenantId))") }
        if let outcome = filter.outcome { conditions.append(" AND outcome = \(conditions.bind(outcome.rawValue))") }
        if let profileId = filter.profileId { conditions.append(" AND profile_id = \(conditions.bind(profileId))") }
        if let deviceId = filter.deviceId { conditions.append(" AND device_id = \(conditions.bind(deviceId))") }
        if let startTime = filter.startTime { conditions.append(" AND time >= \(conditions.bind(startTime))") }
        if let endTime = filter.endTime { conditions.append(" AND time <= \(conditions.bind(endTime))") }
        if let action = filter.action { conditions.append(" AND action = \(conditions.bind(action.rawValue))") }
        if let actor = filter.actor { conditions.append(" AND actor = \(conditions.bind(actor))") }
        if filter.withoutTenant { conditions.append(" AND tenant_id IS NULL") }
        if let text = link.textSearch, !text.isEmpty {
            // `\` is ILIKE's default escape character, as in SQLite's `ESCAPE '\'`.
            conditions.append(" AND device_name ILIKE \(conditions.bind(LikePattern.prefix(text)))")
        }
        let count = conditions.prefixed("SELECT count(*) ")
        let select = conditions.prefixed("SELECT \(Self.auditColumns) ")
        select.append(" ORDER BY time DESC, id DESC")
        page.appendLimit(to: select)
        let countQuery = count.query
        let selectQuery = select.query
        return try await snapshot { [self] connection in
            let total = try await scalar(Int.self, countQuery, on: connection) ?? 0
            return page.page(try await rows(selectQuery, on: connection, Self.decodeAuditEntry), total: total)
        }
    }

    private static func decodeAuditEntry(_ row: PostgresRow) throws -> AuditEntry {
        let (id, tenantId, time, transport, sourceAddress, profileId, profileName, deviceId, deviceName, outcome, reason, node,
            action, actor, details) =
            try row.decode(
                (UUID, UUID?, Int64, String, String, UUID?, String?, UUID?, String?, String, String, String?, String,
                    String?, String?).self)
        guard let transport = ProvisionTransport(rawValue: transport) else {
            throw PostgresStoreError.invalidStoredValue(table: "audit_log", column: "transport")
        }
        guard let outcome = ProvisionOutcome(rawValue: outcome) else {
            throw PostgresStoreError.invalidStoredValue(table: "audit_log", column: "outcome")
        }
        guard let action = AuditAction(rawValue: action) else {
            throw PostgresStoreError.invalidStoredValue(table: "audit_log", column: "action")
        }
        return AuditEntry(
            id: id, tenantId: tenantId, time: time, transport: transport, sourceAddress: sourceAddress,
            profileId: profileId, profileName: profileName, deviceId: deviceId, deviceName: deviceName,
            outcome: outcome, reason: reason, node: node, action: action, actor: actor, details: details)
    }
}
