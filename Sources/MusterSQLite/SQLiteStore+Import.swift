import GRDB
import MusterCore

extension SQLiteStore {
    /// ``Configuration/contendedImportBatchSize`` rows while writes someone waits for (provisionings, a device's
    /// telemetry or attributes, an admin's change) have asked for the single writer within the last half second
    /// (``WriterDemand``); otherwise `nil`, the importer's own batch size.
    package var importBatchLimit: Int? {
        writerDemand.isRecent ? configuration.contendedImportBatchSize : nil
    }

    /// Applies `batch.rows` in order in one write transaction, each row all or nothing (see ``ImportRowWriter``):
    /// a row whose credentials another device holds leaves nothing written and is reported as
    /// `.credentialsTaken`; an existing entity is `.alreadyExists` (nothing written) unless `batch.update`.
    ///
    /// A dry run computes every outcome the same way, then rolls the whole transaction back. Otherwise the batch's
    /// job checkpoint, when it has one, is written in the same transaction (``ImportJobRecord/write(_:_:)``).
    ///
    /// SQLite's statement and savepoint undo journals are kept in memory during the batch (`temp_store = MEMORY`,
    /// set back afterwards) instead of spilling to temporary files: measured on the benchmark, that trades about
    /// 4 s of system time per million rows for about 3 s of user time, and keeps the import off the temp directory.
    /// While such writes come, the batch first rests so that imports hold the writer at most a fifth of the time
    /// (``WriterDemand/importBatch(_:)``).
    /// - Returns: One outcome per row, in order.
    /// - Throws: Any other database error, with the whole batch rolled back.
    package func applyImport(_ batch: ImportBatch) async throws -> [ImportRowOutcome] {
        guard !batch.rows.isEmpty else { return [] }
        return try await writerDemand.importBatch { try await write(batch) }
    }

    private func write(_ batch: ImportBatch) async throws -> [ImportRowOutcome] {
        try await dbPool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
            var outcomes: [ImportRowOutcome] = []
            outcomes.reserveCapacity(batch.rows.count)
            try db.inTransaction(.immediate) {
                let writer = try ImportRowWriter(db, batch: batch)
                for row in batch.rows { outcomes.append(try writer.apply(row)) }
                if batch.dryRun { return .rollback }
                // The batch's new device names join the trigram index in one statement.
                if batch.entityType == .device { try Self.indexNewDeviceNames(db) }
                // The job's counts of these rows commit with them (or not at all).
                if let checkpoint = batch.checkpoint { try ImportJobRecord.write(checkpoint(outcomes), db) }
                return .commit
            }
            return outcomes
        }
    }
}
