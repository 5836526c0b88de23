import GRDB
import MusterCore

extension SQLiteStore {
    /// Applies `batch.rows` in order in one write transaction, each row in its own savepoint (see
    /// ``ImportRowWriter``): a row whose credentials another device holds is rolled back alone and reported as
    /// `.credentialsTaken`; an existing entity is `.alreadyExists` (nothing written) unless `batch.update`.
    ///
    /// A dry run computes every outcome the same way, then rolls the whole transaction back.
    /// - Returns: One outcome per row, in order.
    /// - Throws: Any other database error, with the whole batch rolled back.
    package func applyImport(_ batch: ImportBatch) async throws -> [ImportRowOutcome] {
        guard !batch.rows.isEmpty else { return [] }
        return try await dbPool.writeWithoutTransaction { db in
            var outcomes: [ImportRowOutcome] = []
            outcomes.reserveCapacity(batch.rows.count)
            try db.inTransaction(.immediate) {
                let writer = try ImportRowWriter(db, batch: batch)
                for row in batch.rows { outcomes.append(try writer.apply(row)) }
                return batch.dryRun ? .rollback : .commit
            }
            return outcomes
        }
    }
}
