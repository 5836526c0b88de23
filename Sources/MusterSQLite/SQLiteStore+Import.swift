import MusterCore

// TEMPORARY stub so the package builds while helper-5 writes the real implementation; replace this whole file.
extension SQLiteStore {
    package func applyImport(_ batch: ImportBatch) async throws -> [ImportRowOutcome] {
        throw SQLiteStoreError.deviceNotFound
    }
}
