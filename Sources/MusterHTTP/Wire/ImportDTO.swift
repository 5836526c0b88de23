import Foundation
import MusterCore

/// A mapping column as ThingsBoard's `BulkImportRequest` sends it (plus Muster's `valueType`).
struct ImportColumnDTO: Codable {
    var type: String
    var key: String?
    var valueType: String?
}

/// `mapping` of ThingsBoard's `BulkImportRequest`; the job API adds `entityType` and `dryRun`.
struct ImportMappingDTO: Codable {
    var columns: [ImportColumnDTO]
    var delimiter: String?
    var update: Bool?
    var header: Bool?
    var entityType: ImportEntityType?
    var dryRun: Bool?

    func mapping(entityType fallback: ImportEntityType) throws -> ImportMapping {
        do {
            return try ImportMapping(
                entityType: entityType ?? fallback,
                columns: columns.map { RawImportColumn(type: $0.type, key: $0.key, valueType: $0.valueType) },
                delimiter: delimiter ?? ",", header: header ?? true, update: update ?? false
            )
        } catch {
            throw RequestError.invalidParameter(name: "mapping", reason: error.description)
        }
    }
}

/// ThingsBoard's `BulkImportRequest`: `{"file": "<csv>", "mapping": {…}}`.
struct BulkImportRequestDTO: Decodable {
    var file: String
    var mapping: ImportMappingDTO
}

/// ThingsBoard's `BulkImportResult`, plus the profiles the import created.
struct BulkImportResultDTO: Encodable {
    var created: Int
    var updated: Int
    var errors: Int
    var errorsList: [String]
    var createdProfiles: [String]

    init(_ summary: ImportSummary) {
        created = summary.progress.created
        updated = summary.progress.updated
        errors = summary.progress.errors
        errorsList = summary.errorLines
        createdProfiles = summary.progress.createdProfiles
    }
}

/// An import job as `GET /api/imports/{id}` reports it.
struct ImportJobDTO: Encodable {
    var id: String
    var entityType: ImportEntityType
    var dryRun: Bool
    var status: ImportJobStatus
    var rowsProcessed: Int
    var created: Int
    var updated: Int
    var errors: Int
    var errorLines: [String]
    var createdProfiles: [String]
    var bytesProcessed: Int
    var bytesTotal: Int
    /// The file's data rows, `null` until the check pass has read the whole file: progress is `rowsProcessed` of
    /// this, never bytes (read ahead of the committed rows).
    var rowsTotal: Int?
    var rowsPerSecond: Int
    var startTime: Int64
    var endTime: Int64?
    var failure: String?
    var cancelRequested: Bool

    init(_ job: ImportJob, now: Int64) {
        id = job.id.lowercasedString
        entityType = job.entityType
        dryRun = job.dryRun
        status = job.status
        rowsProcessed = job.progress.rowsProcessed
        created = job.progress.created
        updated = job.progress.updated
        errors = job.progress.errors
        errorLines = Array(job.errorLines.prefix(100))
        createdProfiles = job.progress.createdProfiles
        bytesProcessed = job.progress.bytesProcessed
        bytesTotal = job.progress.bytesTotal
        rowsTotal = job.progress.rowsTotal
        rowsPerSecond = job.rowsPerSecond(now: now)
        startTime = job.startTime
        endTime = job.endTime
        failure = job.failure
        cancelRequested = job.cancelRequested
    }

    /// Written by hand so that `endTime` and `failure` appear as `null` while absent (the synthesized encoder
    /// would leave them out), giving clients a fixed set of keys.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(entityType, forKey: .entityType)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(status, forKey: .status)
        try container.encode(rowsProcessed, forKey: .rowsProcessed)
        try container.encode(created, forKey: .created)
        try container.encode(updated, forKey: .updated)
        try container.encode(errors, forKey: .errors)
        try container.encode(errorLines, forKey: .errorLines)
        try container.encode(createdProfiles, forKey: .createdProfiles)
        try container.encode(bytesProcessed, forKey: .bytesProcessed)
        try container.encode(bytesTotal, forKey: .bytesTotal)
        try container.encode(rowsTotal, forKey: .rowsTotal)
        try container.encode(rowsPerSecond, forKey: .rowsPerSecond)
        try container.encode(startTime, forKey: .startTime)
        try container.encode(endTime, forKey: .endTime)
        try container.encode(failure, forKey: .failure)
        try container.encode(cancelRequested, forKey: .cancelRequested)
    }

    private enum CodingKeys: String, CodingKey {
        case id, entityType, dryRun, status, rowsProcessed, created, updated, errors, errorLines, createdProfiles
        case bytesProcessed, bytesTotal, rowsTotal, rowsPerSecond, startTime, endTime, failure, cancelRequested
    }
}
