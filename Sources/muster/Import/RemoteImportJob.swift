import Foundation

/// An import job as the server reports it (`GET /api/imports/{id}`). Missing counters read as zero, so that a server that
/// leaves one out still gets a summary.
struct RemoteImportJob: Decodable, Sendable, Equatable {
    /// Where the job stands.
    enum Status: String, Decodable, Sendable {
        case running = "RUNNING"
        case done = "DONE"
        case failed = "FAILED"
        case cancelled = "CANCELLED"
    }

    var id: String
    var entityType: String
    var dryRun: Bool
    var status: Status
    var rowsProcessed: Int
    var created: Int
    var updated: Int
    /// Rows that failed.
    var errors: Int
    /// The first failed rows, as `Line N: reason`.
    var errorLines: [String]
    var createdProfiles: [String]
    var bytesProcessed: Int
    var bytesTotal: Int
    var rowsPerSecond: Double
    /// Milliseconds since 1970.
    var startTime: Int64?
    var endTime: Int64?
    /// Why the whole job failed (status FAILED).
    var failure: String?

    private enum CodingKeys: String, CodingKey {
        case id, entityType, dryRun, status, rowsProcessed, created, updated, errors, errorLines, createdProfiles
        case bytesProcessed, bytesTotal, rowsPerSecond, startTime, endTime, failure
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        status = try c.decode(Status.self, forKey: .status)
        entityType = try c.decodeIfPresent(String.self, forKey: .entityType) ?? "DEVICE"
        dryRun = try c.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false
        rowsProcessed = try c.decodeIfPresent(Int.self, forKey: .rowsProcessed) ?? 0
        created = try c.decodeIfPresent(Int.self, forKey: .created) ?? 0
        updated = try c.decodeIfPresent(Int.self, forKey: .updated) ?? 0
        errors = try c.decodeIfPresent(Int.self, forKey: .errors) ?? 0
        errorLines = try c.decodeIfPresent([String].self, forKey: .errorLines) ?? []
        createdProfiles = try c.decodeIfPresent([String].self, forKey: .createdProfiles) ?? []
        bytesProcessed = try c.decodeIfPresent(Int.self, forKey: .bytesProcessed) ?? 0
        bytesTotal = try c.decodeIfPresent(Int.self, forKey: .bytesTotal) ?? 0
        rowsPerSecond = try c.decodeIfPresent(Double.self, forKey: .rowsPerSecond) ?? 0
        startTime = try c.decodeIfPresent(Int64.self, forKey: .startTime)
        endTime = try c.decodeIfPresent(Int64.self, forKey: .endTime)
        failure = try c.decodeIfPresent(String.self, forKey: .failure)
    }

    /// Whether the job has stopped (anything but RUNNING).
    var isFinished: Bool { status != .running }

    /// The fraction of the file read, from 0 to 1, when the size is known.
    var fractionDone: Double? {
        guard bytesTotal > 0 else { return nil }
        return min(1, max(0, Double(bytesProcessed) / Double(bytesTotal)))
    }

    /// Seconds left at the current rate, when it can be estimated.
    var secondsLeft: Double? {
        guard let fraction = fractionDone, fraction > 0, rowsPerSecond > 0, rowsProcessed > 0 else { return nil }
        let rowsLeft = Double(rowsProcessed) * (1 - fraction) / fraction
        return rowsLeft / rowsPerSecond
    }

    /// The run time in seconds, once the job has ended.
    var durationSeconds: Double? {
        guard let startTime, let endTime else { return nil }
        return Double(max(0, endTime - startTime)) / 1000
    }
}
