import Foundation
import MusterCore
import PostgresNIO

/// Rows of `import_jobs` as ``ImportJob``; `error_lines` and `created_profiles` are JSON arrays of strings, as on
/// SQLite.
enum ImportJobRows {
    static let table = "import_jobs"

    /// The columns ``decode(_:)`` reads, in order.
    static let columns = """
        id, tenant_id, entity_type, dry_run, status, rows_processed, created, updated, errors, bytes_processed,
        bytes_total, created_profiles, error_lines, failure, cancel_requested, owner_node, heartbeat_time, start_time,
        end_time, rows_total
        """

    static func decode(_ row: PostgresRow) throws -> ImportJob {
        let cells = row.makeRandomAccess()
        let entityType = try cells[2].decode(String.self)
        let status = try cells[4].decode(String.self)
        guard let entityType = ImportEntityType(rawValue: entityType) else {
            throw PostgresStoreError.invalidStoredValue(table: table, column: "entity_type")
        }
        guard let status = ImportJobStatus(rawValue: status) else {
            throw PostgresStoreError.invalidStoredValue(table: table, column: "status")
        }
        var job = ImportJob(
            id: try cells[0].decode(UUID.self),
            tenantId: try cells[1].decode(UUID.self),
            entityType: entityType,
            dryRun: try cells[3].decode(Bool.self),
            bytesTotal: Int(try cells[10].decode(Int64.self)),
            startTime: try cells[17].decode(Int64.self),
            owner: try cells[15].decode(String.self)
        )
        job.status = status
        job.progress.rowsProcessed = Int(try cells[5].decode(Int64.self))
        job.progress.created = Int(try cells[6].decode(Int64.self))
        job.progress.updated = Int(try cells[7].decode(Int64.self))
        job.progress.errors = Int(try cells[8].decode(Int64.self))
        job.progress.bytesProcessed = Int(try cells[9].decode(Int64.self))
        job.progress.createdProfiles = try strings(cells[11].decode(String.self), column: "created_profiles")
        job.errorLines = try strings(cells[12].decode(String.self), column: "error_lines")
        job.failure = try cells[13].decode(String?.self)
        job.cancelRequested = try cells[14].decode(Bool.self)
        job.heartbeatTime = try cells[16].decode(Int64.self)
        job.endTime = try cells[18].decode(Int64?.self)
        job.progress.rowsTotal = try cells[19].decode(Int64?.self).map(Int.init)
        return job
    }

    private static func strings(_ text: String, column: String) throws -> [String] {
        guard let strings = JSONValue.strings(parsing: text) else {
            throw PostgresStoreError.invalidStoredValue(table: table, column: column)
        }
        return strings
    }
}
