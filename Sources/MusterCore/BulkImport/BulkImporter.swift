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

        package init(batchSize: Int = 10_000, maxErrorLines: Int = 1000, maxRows: Int = 50_000_000) {
            self.batchSize = batchSize
            self.maxErrorLines = maxErrorLines
            self.maxRows = maxRows
        }
    }

    fileprivate let store: any ImportStore
    private let profiles: ProfileService
    private let clock: any WallClock
    fileprivate let configuration: Configuration
    fileprivate let sessions: (any DeviceSessionRevoker)?

    /// - Parameter sessions: Told to close the sessions of each device whose credentials a row replaced.
    package init(
        store: any ImportStore, profiles: ProfileService, clock: any WallClock, configuration: Configuration = .init(),
        sessions: (any DeviceSessionRevoker)? = nil
    ) {
        self.store = store
        self.profiles = profiles
        self.clock = clock
        self.configuration = configuration
        self.sessions = sessions
    }

    /// Runs an import.
    /// - Parameters:
    ///   - onProgress: Called after every batch.
    ///   - isCancelled: Polled between batches; when it returns `true` the import stops (committed rows stay).
    /// - Returns: Counts and the first error lines.
    /// - Throws: ``ImportError`` when the file cannot be imported at all (nothing is written then); store errors.
    package func run(
        mapping: ImportMapping, tenantId: UUID, dryRun: Bool, source: some ImportSource, errors: (any ImportErrorSink)? = nil,
        onProgress: @Sendable (ImportProgress) async -> Void = { _ in }, isCancelled: @Sendable () -> Bool = { false }
    ) async throws -> ImportSummary {
        try await check(source, mapping: mapping)
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
            defaultProfile: defaultProfile, errors: errors, progress: ImportProgress(bytesTotal: source.byteCount)
        )
        var scanner = CSVScanner(delimiter: mapping.delimiter)
        var records: [CSVRecord] = []
        var cancelled = false
        try await source.readChunks { chunk in
            guard !cancelled else { return }
            try scanner.feed(chunk) { records.append($0) }
            run.progress.bytesProcessed += chunk.count
            while records.count >= configuration.batchSize, !cancelled {
                let batch = Array(records.prefix(configuration.batchSize))
                records.removeFirst(batch.count)
                try await run.apply(batch)
                await onProgress(run.progress)
                cancelled = isCancelled()
            }
        }
        if !cancelled {
            try scanner.finish { records.append($0) }
            if !records.isEmpty { try await run.apply(records) }
            await onProgress(run.progress)
        }
        return ImportSummary(progress: run.progress, errorLines: run.errorLines, cancelled: cancelled)
    }

    /// The check pass: the whole file must be valid CSV and no row wider than the mapping.
    private func check(_ source: some ImportSource, mapping: ImportMapping) async throws {
        var scanner = CSVScanner(delimiter: mapping.delimiter)
        var rows = 0
        let columns = mapping.columns.count
        let maxRows = configuration.maxRows
        let onRecord: (CSVRecord) throws -> Void = { record in
            if record.fields.count > columns {
                throw ImportError.rowTooWide(line: record.number, cells: record.fields.count, columns: columns)
            }
            rows += 1
            if rows > maxRows { throw ImportError.tooManyRows(limit: maxRows) }
        }
        do {
            try await source.readChunks { chunk in try scanner.feed(chunk, onRecord) }
            try scanner.finish(onRecord)
        } catch let error as CSVError {
            throw ImportError.brokenFile(error)
        }
        if rows == 0 || (mapping.header && rows == 1) { throw ImportError.emptyFile }
    }

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

/// The state of one running import.
private struct ImportRun {
    let importer: BulkImporter
    let mapping: ImportMapping
    let tenantId: UUID
    let dryRun: Bool
    let timestamp: Int64
    let defaultProfile: ProfileReference
    let errors: (any ImportErrorSink)?
    var progress: ImportProgress
    var planner: ImportRowPlanner
    var errorLines: [String] = []
    var profileCache: [String: ProfileReference] = [:]
    var headerSkipped = false

    init(
        importer: BulkImporter, mapping: ImportMapping, tenantId: UUID, dryRun: Bool, timestamp: Int64,
        defaultProfile: ProfileReference, errors: (any ImportErrorSink)?, progress: ImportProgress
    ) {
        self.importer = importer
        self.mapping = mapping
        self.tenantId = tenantId
        self.dryRun = dryRun
        self.timestamp = timestamp
        self.defaultProfile = defaultProfile
        self.errors = errors
        self.progress = progress
        self.planner = ImportRowPlanner(mapping: mapping, timestamp: timestamp)
    }

    /// Plans and applies one batch of records; failures are reported in line order.
    mutating func apply(_ records: [CSVRecord]) async throws {
        var rows: [ImportRow] = []
        var failures: [(line: Int, cells: [String], error: ImportRowError)] = []
        rows.reserveCapacity(records.count)
        for record in records {
            if mapping.header, !headerSkipped {
                headerSkipped = true
                try await errors?.header(record.fields)
                continue
            }
            progress.rowsProcessed += 1
            switch planner.plan(record) {
            case .failure(let error):
                failures.append((record.number, record.fields, error))
            case .success(var row):
                if let name = row.profileName { row.profile = try await profile(named: name) }
                rows.append(row)
            }
        }
        if !rows.isEmpty {
            let batch = ImportBatch(
                tenantId: tenantId, entityType: mapping.entityType, update: mapping.update, dryRun: dryRun,
                timestamp: timestamp, defaultProfile: defaultProfile, rows: rows
            )
            let outcomes = try await importer.store.applyImport(batch)
            var revocations: [DeviceSessionRevocation] = []
            for (row, outcome) in zip(rows, outcomes) {
                switch outcome {
                case .created: progress.created += 1
                case .updated: progress.updated += 1
                case .updatedCredentials(let deviceId):
                    progress.updated += 1
                    // Committed (a dry run rolls back): the sessions opened with the old credentials end.
                    if !dryRun {
                        revocations.append(DeviceSessionRevocation(
                            deviceId: deviceId, tenantId: tenantId, deviceName: row.name, reason: .credentialsChanged
                        ))
                    }
                case .alreadyExists: failures.append((row.line, row.cells, .alreadyExists(mapping.entityType, name: row.name)))
                case .credentialsTaken: failures.append((row.line, row.cells, .credentialsTaken))
                }
            }
            // The batch's revocations together: one notification statement for the other nodes.
            if !revocations.isEmpty { await importer.sessions?.revoke(revocations) }
        }
        for failure in failures.sorted(by: { $0.line < $1.line }) {
            progress.errors += 1
            let message = failure.error.description
            if errorLines.count < importer.configuration.maxErrorLines { errorLines.append("Line \(failure.line): \(message)") }
            try await errors?.failedRow(line: failure.line, cells: failure.cells, message: message)
        }
    }

    /// The profile a TYPE cell names. A dry run creates nothing: an unknown name is listed as a profile that
    /// would be created, and its rows are checked against the default profile.
    private mutating func profile(named name: String) async throws -> ProfileReference {
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
