import Foundation

/// Imports a CSV file of devices or assets (spec §5 with decisions 3–6): a check pass over the whole file first,
/// so a broken file writes nothing; then rows in file order, in batches of one transaction with one savepoint
/// per row, so each row is all-or-nothing.
package struct BulkImporter: Sendable {
    /// Tuning and limits.
    package struct Configuration: Sendable, Hashable {
        /// Rows per transaction.
        package var batchSize: Int
        /// Error lines kept in the summary.
        package var maxErrorLines: Int
        /// The most data rows one import accepts.
        package var maxRows: Int
        /// How long a job's batch is retried while the database is unavailable or busy (a failover, a restart)
        /// before the job fails; 0 fails at once.
        package var outageLimit: Duration = .seconds(60)
        /// How the check pass finds the names and credentials repeated in the file (memory, spill).
        package var repeatLimits = ImportRepeatFinder.Limits()

        package init(batchSize: Int = 10_000, maxErrorLines: Int = 1000, maxRows: Int = 50_000_000) {
            self.batchSize = batchSize
            self.maxErrorLines = maxErrorLines
            self.maxRows = maxRows
        }
    }

    fileprivate let store: any ImportStore
    private let profiles: ProfileService
    fileprivate let clock: any WallClock
    fileprivate let configuration: Configuration
    fileprivate let sessions: (any DeviceSessionRevoker)?
    private let scratch: (any ImportScratchSpace)?
    fileprivate let metrics: MusterMetrics

    /// - Parameters:
    ///   - sessions: Told to close the sessions of each device whose credentials a row replaced.
    ///   - scratch: Where a large file's name and credentials fingerprints spill, so that the memory an import
    ///     uses does not grow with the file (`nil`: kept in memory, 16 bytes per row).
    ///   - metrics: Where committed rows and batch writes are counted.
    package init(
        store: any ImportStore, profiles: ProfileService, clock: any WallClock, configuration: Configuration = .init(),
        sessions: (any DeviceSessionRevoker)? = nil, scratch: (any ImportScratchSpace)? = nil,
        metrics: MusterMetrics = .off
    ) {
        self.metrics = metrics
        self.store = store
        self.profiles = profiles
        self.clock = clock
        self.configuration = configuration
        self.sessions = sessions
        self.scratch = scratch
    }

    /// Runs an import.
    /// - Parameters:
    ///   - job: The job the import runs as, when it does: after every batch its ``ImportJobCheckpoint`` (counts,
    ///     first error lines, errors CSV lines) is written in the batch's transaction (see
    ///     ``ImportBatch/checkpoint``), or on its own when the batch writes no row (a dry run, a batch of failed
    ///     rows), so the job's counts always equal the committed rows.
    ///   - isCancelled: Asked between batches; when it returns `true` the import stops (committed rows stay).
    /// - Returns: Counts and the first error lines.
    /// - Throws: ``ImportError`` when the file cannot be imported at all (nothing is written then); store errors
    ///   (``ImportJobStoreError/notRunning(_:)`` when another node ended the job).
    package func run(
        mapping: ImportMapping, tenantId: UUID, dryRun: Bool, source: some ImportSource, job: ImportJobLink? = nil,
        isCancelled: @Sendable () async throws -> Bool = { false }
    ) async throws -> ImportSummary {
        // Scanning and planning compute for milliseconds per chunk and batch: off the event loops.
        try await onBackgroundThreads {
            try await importFile(
                mapping: mapping, tenantId: tenantId, dryRun: dryRun, source: source, job: job, isCancelled: isCancelled)
        }
    }

    private func importFile(
        mapping: ImportMapping, tenantId: UUID, dryRun: Bool, source: some ImportSource, job: ImportJobLink?,
        isCancelled: @Sendable () async throws -> Bool
    ) async throws -> ImportSummary {
        // While the whole file is checked, a job reports the bytes read (every few MiB), so that its progress moves.
        let (rowsTotal, repeats) = try await check(source, mapping: mapping) { bytes in
            guard let job else { return }
            var reading = ImportProgress(bytesTotal: source.byteCount)
            reading.bytesProcessed = bytes
            try await job.store.recordImportCheckpoint(ImportJobCheckpoint(
                jobId: job.id, progress: reading, errorLines: [], failedRows: [], time: clock.nowMilliseconds()))
        }
        let timestamp = clock.nowMilliseconds()
        let defaultProfile: ProfileReference
        switch mapping.entityType {
        case .device:
            let profile = try await profiles.defaultDeviceProfile(tenantId: tenantId)
            defaultProfile = ProfileReference(id: profile.id, name: profile.name)
        case .asset:
            let profile = try await profiles.defaultAssetProfile(tenantId: tenantId)
            defaultProfile = ProfileReference(id: profile.id, name: profile.name)
        }
        var run = ImportRun(
            importer: self, mapping: mapping, tenantId: tenantId, dryRun: dryRun, timestamp: timestamp,
            defaultProfile: defaultProfile, job: job, progress: ImportProgress(bytesTotal: source.byteCount),
            repeats: repeats
        )
        run.progress.rowsTotal = rowsTotal
        // The job says at once how many rows the file holds, before its first batch commits.
        if job != nil { try await run.recordProgress() }
        var scanner = CSVScanner(delimiter: mapping.delimiter)
        var records: [CSVRecord] = []
        var cancelled = false
        try await source.readChunks { chunk in
            guard !cancelled else { return }
            try scanner.feed(chunk) { records.append($0) }
            run.progress.bytesProcessed += chunk.count
            // The store may ask for smaller batches while other writes wait for it (SQLite's single writer).
            var batchSize: Int { min(configuration.batchSize, store.importBatchLimit ?? .max) }
            while records.count >= batchSize, !cancelled {
                let batch = Array(records.prefix(batchSize))
                records.removeFirst(batch.count)
                try await run.apply(batch)
                cancelled = try await isCancelled()
            }
        }
        if !cancelled {
            try scanner.finish { records.append($0) }
            // The last records, or only the bytes read since the last batch: the job reports the end of the file.
            if !records.isEmpty || job != nil { try await run.apply(records) }
        }
        return ImportSummary(progress: run.progress, errorLines: run.errorLines, cancelled: cancelled)
    }

    /// The check pass: the whole file must be valid CSV and no row wider than the mapping; it also finds the
    /// names and credentials the file holds more than once.
    /// - Parameter reading: Told the bytes read so far, every ``checkReportBytes``.
    /// - Returns: The number of data rows (records without the header), and the repeated fingerprints.
    private func check(
        _ source: some ImportSource, mapping: ImportMapping, reading: (Int) async throws -> Void
    ) async throws -> (rows: Int, repeats: ImportRepeats) {
        var scanner = CSVScanner(delimiter: mapping.delimiter)
        var rows = 0
        let columns = mapping.columns.count
        let maxRows = configuration.maxRows
        let identities = ImportRowPlanner(mapping: mapping, timestamp: 0, repeats: .none)
        var finder = ImportRepeatFinder(limits: configuration.repeatLimits, scratch: scratch)
        let onRecord: (CSVRecord) throws -> Void = { record in
            if record.fields.count > columns {
                throw ImportError.rowTooWide(
                    record: record.number, line: record.line, cells: record.fields.count, columns: columns)
            }
            rows += 1
            if rows > maxRows { throw ImportError.tooManyRows(limit: maxRows) }
            guard rows > 1 || !mapping.header else { return }
            try finder.add(identities.identity(of: record.fields))
        }
        do {
            var bytes = 0
            var reported = 0
            try await source.readChunks { chunk in
                try scanner.feed(chunk, onRecord)
                bytes += chunk.count
                if bytes - reported >= Self.checkReportBytes {
                    reported = bytes
                    try await reading(bytes)
                }
            }
            try scanner.finish(onRecord)
        } catch let error as CSVError {
            throw ImportError.brokenFile(error)
        }
        if rows == 0 || (mapping.header && rows == 1) { throw ImportError.emptyFile }
        return (mapping.header ? rows - 1 : rows, try finder.finish())
    }

    /// How often the check pass reports the bytes it has read.
    static let checkReportBytes = 4 << 20

    /// The profile called `name`, or `nil` when the tenant has none.
    fileprivate func existingProfile(named name: String, type: ImportEntityType, tenantId: UUID) async throws -> ProfileReference? {
        switch type {
        case .device:
            return try await profiles.deviceProfile(name: name, tenantId: tenantId).map { ProfileReference(id: $0.id, name: $0.name) }
        case .asset:
            return try await profiles.assetProfile(name: name, tenantId: tenantId).map { ProfileReference(id: $0.id, name: $0.name) }
        }
    }

    /// Creates the profile called `name` (ThingsBoard's find-or-create: provisioning disabled).
    fileprivate func createProfile(named name: String, type: ImportEntityType, tenantId: UUID) async throws -> ProfileReference {
        switch type {
        case .device:
            let profile = try await profiles.findOrCreateDeviceProfile(name: name, tenantId: tenantId)
            return ProfileReference(id: profile.id, name: profile.name)
        case .asset:
            let profile = try await profiles.findOrCreateAssetProfile(name: name, tenantId: tenantId)
            return ProfileReference(id: profile.id, name: profile.name)
        }
    }
}

/// The job an import runs as: where its checkpoints go.
package struct ImportJobLink: Sendable {
    package var id: UUID
    package var store: any ImportJobStore
    /// Error lines the job keeps (its errors CSV keeps every failed row).
    package var maxErrorLines: Int

    package init(id: UUID, store: any ImportJobStore, maxErrorLines: Int = 100) {
        self.id = id
        self.store = store
        self.maxErrorLines = maxErrorLines
    }
}

/// One batch's failed rows and counts, computed from the rows' outcomes: the same pure computation makes the
/// checkpoint written in the batch's transaction and, after the commit, the run's own state.
private struct ImportBatchTally: Sendable {
    var progress: ImportProgress
    var errorLines: [String]
    var failedRows: [ImportFailedRow] = []

    init(
        progress: ImportProgress, errorLines: [String], planned: [ImportRow],
        failures: [(line: Int, cells: [String], error: ImportRowError)], outcomes: [ImportRowOutcome],
        header: ImportFailedRow?, entityType: ImportEntityType, maxErrorLines: Int, csv: ImportErrorsCSV
    ) {
        self.progress = progress
        self.errorLines = errorLines
        var failures = failures
        for (row, outcome) in zip(planned, outcomes) {
            switch outcome {
            case .created: self.progress.created += 1
            case .updated, .updatedCredentials: self.progress.updated += 1
            case .alreadyExists: failures.append((row.line, row.cells, .alreadyExists(entityType, name: row.name)))
            case .credentialsTaken: failures.append((row.line, row.cells, .credentialsTaken))
            }
        }
        if let header { failedRows.append(header) }
        for failure in failures.sorted(by: { $0.line < $1.line }) {
            self.progress.errors += 1
            let message = failure.error.description
            if self.errorLines.count < maxErrorLines { self.errorLines.append("Line \(failure.line): \(message)") }
            let text = csv.failedRow(line: failure.line, cells: failure.cells, message: message)
            failedRows.append(ImportFailedRow(sequence: failure.line, text: text))
        }
    }
}

/// The state of one running import.
private struct ImportRun {
    let importer: BulkImporter
    let mapping: ImportMapping
    let tenantId: UUID
    let dryRun: Bool
    let timestamp: Int64
    let defaultProfile: ProfileReference
    let job: ImportJobLink?
    let csv: ImportErrorsCSV
    var progress: ImportProgress
    var planner: ImportRowPlanner
    var errorLines: [String] = []
    /// The job's error lines (bounded by the job, which may keep fewer than the summary).
    var jobErrorLines: [String] = []
    var profileCache: [String: ProfileReference] = [:]
    var headerSkipped = false

    init(
        importer: BulkImporter, mapping: ImportMapping, tenantId: UUID, dryRun: Bool, timestamp: Int64,
        defaultProfile: ProfileReference, job: ImportJobLink?, progress: ImportProgress, repeats: ImportRepeats
    ) {
        self.importer = importer
        self.mapping = mapping
        self.tenantId = tenantId
        self.dryRun = dryRun
        self.timestamp = timestamp
        self.defaultProfile = defaultProfile
        self.job = job
        self.csv = ImportErrorsCSV(delimiter: mapping.delimiter)
        self.progress = progress
        self.planner = ImportRowPlanner(mapping: mapping, timestamp: timestamp, repeats: repeats)
    }

    /// Records the job's progress as it stands, with no row: the file's row count once the check pass has it.
    func recordProgress() async throws {
        guard let job else { return }
        try await job.store.recordImportCheckpoint(ImportJobCheckpoint(
            jobId: job.id, progress: progress, errorLines: jobErrorLines, failedRows: [],
            time: importer.clock.nowMilliseconds()))
    }

    /// Plans and applies one batch of records, and records the job's checkpoint with it; failures are reported in
    /// line order.
    mutating func apply(_ records: [CSVRecord]) async throws {
        var rows: [ImportRow] = []
        var failures: [(line: Int, cells: [String], error: ImportRowError)] = []
        var header: ImportFailedRow?
        var progress = self.progress
        rows.reserveCapacity(records.count)
        for record in records {
            if mapping.header, !headerSkipped {
                headerSkipped = true
                header = ImportFailedRow(sequence: record.number, text: csv.header(record.fields))
                continue
            }
            progress.rowsProcessed += 1
            switch planner.plan(record) {
            case .failure(let error):
                failures.append((record.number, record.fields, error))
            case .success(var row):
                if let name = row.profileName { row.profile = try await profile(named: name, progress: &progress) }
                rows.append(row)
            }
        }
        let entityType = mapping.entityType
        let csv = self.csv
        // The job's tally: made inside the batch's transaction from its outcomes.
        let jobTally: @Sendable ([ImportRowOutcome]) -> ImportBatchTally = {
            [progress, jobErrorLines, rows, failures, header, job] outcomes in
            ImportBatchTally(
                progress: progress, errorLines: jobErrorLines, planned: rows, failures: failures, outcomes: outcomes,
                header: header, entityType: entityType, maxErrorLines: job?.maxErrorLines ?? 0, csv: csv)
        }
        let now = importer.clock
        let written = ContinuousClock.now
        var outcomes: [ImportRowOutcome] = []
        var recorded = false
        if !rows.isEmpty {
            var batch = ImportBatch(
                tenantId: tenantId, entityType: mapping.entityType, update: mapping.update, dryRun: dryRun,
                timestamp: timestamp, defaultProfile: defaultProfile, rows: rows
            )
            if let job, !dryRun {
                batch.checkpoint = { outcomes in
                    let tally = jobTally(outcomes)
                    return ImportJobCheckpoint(
                        jobId: job.id, progress: tally.progress, errorLines: tally.errorLines,
                        failedRows: tally.failedRows, time: now.nowMilliseconds())
                }
                recorded = true
            }
            if recorded, let job {
                switch try await applyRetrying(batch, job: job, rowsProcessed: progress.rowsProcessed) {
                case .applied(let applied):
                    outcomes = applied
                case .committedEarlier(let stored):
                    // Its answer was lost, but the batch and its checkpoint committed: the run takes the stored
                    // counts and does not write the rows again. (Sessions whose credentials it replaced end when
                    // they next authenticate, not now.)
                    self.progress = stored.progress
                    if stored.errorLines.count > errorLines.count { errorLines = stored.errorLines }
                    jobErrorLines = stored.errorLines
                    return
                }
            } else {
                outcomes = try await importer.store.applyImport(batch)
            }
        }
        if let job, !recorded {
            let tally = jobTally(outcomes)
            try await job.store.recordImportCheckpoint(ImportJobCheckpoint(
                jobId: job.id, progress: tally.progress, errorLines: tally.errorLines, failedRows: tally.failedRows,
                time: now.nowMilliseconds()))
        }
        // Committed: the run takes the batch's counts.
        let tally = ImportBatchTally(
            progress: progress, errorLines: errorLines, planned: rows, failures: failures, outcomes: outcomes,
            header: nil, entityType: entityType, maxErrorLines: importer.configuration.maxErrorLines, csv: csv)
        if !dryRun {
            let metrics = importer.metrics
            if !rows.isEmpty {
                metrics.storeCommit(
                    kind: "import", rows: rows.count, ContinuousClock.now - written)
            }
            metrics.importRows(outcome: "created", count: tally.progress.created - self.progress.created)
            metrics.importRows(outcome: "updated", count: tally.progress.updated - self.progress.updated)
            metrics.importRows(outcome: "failed", count: tally.progress.errors - self.progress.errors)
        }
        self.progress = tally.progress
        self.errorLines = tally.errorLines
        if job != nil { jobErrorLines = jobTally(outcomes).errorLines }
        // The sessions opened with replaced credentials end (a dry run rolls back: nothing to end).
        if !dryRun {
            var revocations: [DeviceSessionRevocation] = []
            for case (let row, .updatedCredentials(let deviceId)) in zip(rows, outcomes) {
                revocations.append(DeviceSessionRevocation(
                    deviceId: deviceId, tenantId: tenantId, deviceName: row.name, reason: .credentialsChanged
                ))
            }
            // The batch's revocations together: one notification statement for the other nodes.
            if !revocations.isEmpty { await importer.sessions?.revoke(revocations) }
        }
    }

    /// What became of a job's batch written through an outage.
    private enum BatchWrite {
        case applied([ImportRowOutcome])
        /// The batch committed although its answer was lost: the job as stored after it.
        case committedEarlier(ImportJob)
    }

    /// Applies a job's `batch`; while the database is unavailable or busy (a failover, a restart), the job pauses
    /// and tries again every second, at most ``BulkImporter/Configuration/outageLimit``. Before each new try it
    /// reads the job's stored checkpoint, which commits in the batch's transaction: when it already counts the
    /// batch's rows (`rowsProcessed`), the batch committed and is not written again.
    private func applyRetrying(_ batch: ImportBatch, job: ImportJobLink, rowsProcessed: Int) async throws -> BatchWrite {
        let clock = ContinuousClock()
        let deadline = clock.now + importer.configuration.outageLimit
        while true {
            do {
                return .applied(try await importer.store.applyImport(batch))
            } catch {
                let failure = (error as? any StoreFailureReporting)?.storeFailure
                guard failure == .unavailable || failure == .busy, clock.now < deadline else { throw error }
            }
            try await Task.sleep(for: .seconds(1))
            // Whether the failed try committed after all; a read that fails too means "not yet known": try again.
            if let stored = try? await job.store.importJob(job.id, tenantId: tenantId),
                stored.progress.rowsProcessed >= rowsProcessed
            {
                return .committedEarlier(stored)
            }
        }
    }

    /// The profile a TYPE cell names. A dry run creates nothing: an unknown name is listed as a profile that
    /// would be created, and its rows are checked against the default profile.
    private mutating func profile(named name: String, progress: inout ImportProgress) async throws -> ProfileReference {
        if let cached = profileCache[name] { return cached }
        var reference = try await importer.existingProfile(named: name, type: mapping.entityType, tenantId: tenantId)
        if reference == nil {
            progress.createdProfiles.append(name)
            reference = dryRun ? defaultProfile : try await importer.createProfile(named: name, type: mapping.entityType, tenantId: tenantId)
        }
        profileCache[name] = reference
        return reference!
    }
}
