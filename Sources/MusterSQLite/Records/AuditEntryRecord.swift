import Foundation
import GRDB
import MusterCore

/// Maps rows of `audit_log` to and from ``AuditEntry``.
enum AuditEntryRecord {
    static let table = "audit_log"

    /// The columns ``decode(_:)`` reads, in order.
    static let columns = """
        id, tenant_id, time, transport, source_address, profile_id, profile_name, device_id, device_name, outcome, reason, node,
        action, actor, details
        """

    /// Inserts an entry; one already stored (a retried batch) is left as it is.
    static let insertSQL = """
        INSERT INTO audit_log (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
        """

    static func insertArguments(_ entry: AuditEntry) -> StatementArguments {
        [
            entry.id, entry.tenantId, entry.time, entry.transport.rawValue, entry.sourceAddress, entry.profileId,
            entry.profileName, entry.deviceId, entry.deviceName, entry.outcome.rawValue, entry.reason, entry.node,
            entry.action.rawValue, entry.actor, entry.details,
        ]
    }

    static func decode(_ row: Row) throws -> AuditEntry {
        AuditEntry(
            id: try row.decode(atIndex: 0),
            tenantId: try row.decode(atIndex: 1),
            time: try row.decode(atIndex: 2),
            transport: try StoredValue.enumCase(
                ProvisionTransport.self, row.decode(atIndex: 3), table: table, column: "transport"),
            sourceAddress: try row.decode(atIndex: 4),
            profileId: try row.decode(atIndex: 5),
            profileName: try row.decode(atIndex: 6),
            deviceId: try row.decode(atIndex: 7),
            deviceName: try row.decode(atIndex: 8),
            outcome: try StoredValue.enumCase(
                ProvisionOutcome.self, row.decode(atIndex: 9), table: table, column: "outcome"),
            reason: try row.decode(atIndex: 10),
            node: try row.decode(atIndex: 11),
            action: try StoredValue.enumCase(AuditAction.self, row.decode(atIndex: 12), table: table, column: "action"),
            actor: try row.decode(atIndex: 13),
            details: try row.decode(atIndex: 14)
        )
    }
}
