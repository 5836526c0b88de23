import Foundation
import GRDB
import MusterCore

/// Writes the rows of one ``ImportBatch`` inside the open transaction of a connection. Each row is all or nothing
/// (entity, credentials, attributes, telemetry): a row refused for its credentials leaves nothing written while
/// the other rows commit; any other error fails the whole batch.
///
/// The hot path (a new entity) is one `INSERT … ON CONFLICT DO NOTHING` that both checks the name and writes the
/// entity, then the credentials, attribute and telemetry inserts, all through cached statements bound in place
/// (``ImportBinder``): no Codable, no per-row SQL, no argument arrays.
///
/// A new entity's row runs without a savepoint. A savepoint makes SQLite copy every page the row touches that
/// the batch already changed (a dozen per device) into its undo journal, and that cost a third of the import's
/// CPU on the benchmark. The new row does not need one: its only write that can be refused is the credentials
/// insert, which comes right after the entity insert; SQLite undoes a failed statement by itself, and deleting
/// the just-inserted entity undoes the rest exactly (its delete triggers undo its insert triggers, such as the
/// `entity_counts` counter). The update of an existing entity (credentials replaced,
/// fields merged) runs in a savepoint.
struct ImportRowWriter {
    private let db: Database
    private let statements: ImportStatements
    private let entityType: ImportEntityType
    private let update: Bool
    private let tenantId: UUID
    private let timestamp: Int64
    private let defaultProfile: ProfileReference

    /// Prepares the statements of `batch` on `db`, which must be inside a transaction.
    init(_ db: Database, batch: ImportBatch) throws {
        self.db = db
        statements = try ImportStatements(db, entityType: batch.entityType)
        entityType = batch.entityType
        update = batch.update
        tenantId = batch.tenantId
        timestamp = batch.timestamp
        defaultProfile = batch.defaultProfile
    }

    /// Applies `row`, all or nothing.
    /// - Returns: The row's outcome; after `.credentialsTaken` and `.alreadyExists` nothing of the row is written.
    /// - Throws: Any other database error; the caller then rolls the whole transaction back.
    func apply(_ row: ImportRow) throws -> ImportRowOutcome {
        guard try insertEntity(row) else {
            guard update else { return .alreadyExists }
            return try inSavepoint { try updateExisting(row) }
        }
        if let material = row.credentials ?? row.generatedCredentials, let credentials = statements.insertCredentials {
            do {
                try insertCredentials(material, id: row.newCredentialsId, deviceId: row.newEntityId, with: credentials)
            } catch let error as DatabaseError where SQLiteConstraint(error) == .credentialsId {
                // Only the entity was written (the failed insert wrote nothing): deleting it undoes the row.
                try statements.deleteEntity.bind(1, row.newEntityId)
                try statements.deleteEntity.execute()
                return .credentialsTaken
            }
        }
        try writeKeyValues(row, entityId: row.newEntityId)
        return .created
    }

    /// Inserts the row's entity unless the tenant has one with its name.
    /// - Returns: Whether it was inserted.
    private func insertEntity(_ row: ImportRow) throws -> Bool {
        let profile = row.profile ?? defaultProfile
        let insert = statements.insertEntity
        try insert.bind(1, row.newEntityId)
        try insert.bind(2, tenantId)
        try insert.bind(3, row.name)
        try insert.bind(4, SearchText.fold(row.name))
        try insert.bind(5, profile.name)
        try insert.bind(6, profile.id)
        try insert.bind(7, row.label)
        try insert.bind(8, row.additionalInfo(merging: nil))
        try insert.bind(9, timestamp)
        try insert.execute()
        return db.changesCount > 0
    }

    /// Runs `body` in a savepoint: rolled back alone when it throws a credentials conflict (`.credentialsTaken`).
    private func inSavepoint(_ body: () throws -> ImportRowOutcome) throws -> ImportRowOutcome {
        try statements.savepoint.execute()
        do {
            let outcome = try body()
            try statements.release.execute()
            return outcome
        } catch let error as DatabaseError where SQLiteConstraint(error) == .credentialsId {
            try statements.rollback.execute()
            try statements.release.execute()
            return .credentialsTaken
        }
    }

    /// Updates the tenant's existing entity called `row.name`, in the row's savepoint.
    private func updateExisting(_ row: ImportRow) throws -> ImportRowOutcome {
        let find = statements.findEntity
        try find.bind(1, tenantId)
        try find.bind(2, row.name)
        guard let (id, stored) = try find.fetchFirst({ ($0.uuid(0), $0.text(1)) }), let id else {
            // The insert conflicted, yet the tenant has no such name: the new id is another tenant's row's.
            throw SQLiteStoreError.idOwnedByAnotherTenant(table: entityType == .device ? "devices" : "assets")
        }
        try updateExisting(row, id: id, additionalInfo: stored)
        return entityType == .device && row.credentials != nil ? .updatedCredentials(deviceId: id) : .updated
    }

    /// Updates the existing entity `id` from `row`: credentials only when the row names some (decision 5).
    private func updateExisting(_ row: ImportRow, id: UUID, additionalInfo stored: String?) throws {
        if let material = row.credentials, let replace = statements.replaceCredentials,
            let insert = statements.insertCredentials
        {
            try replace.bind(1, material.type.rawValue)
            try replace.bind(2, material.credentialsId)
            try replace.bind(3, material.credentialsValue)
            try replace.bind(4, id)
            try replace.execute()
            if db.changesCount == 0 {
                try insertCredentials(material, id: row.newCredentialsId, deviceId: id, with: insert)
            }
        }
        let update = statements.updateEntity
        try update.bind(1, row.profile?.name)
        if let profile = row.profile { try update.bind(2, profile.id) } else { try update.bindNull(2) }
        try update.bind(3, row.label)
        try update.bind(4, row.additionalInfo(merging: stored))
        try update.bind(5, id)
        try update.execute()
        try writeKeyValues(row, entityId: id)
    }

    private func insertCredentials(
        _ material: CredentialsMaterial, id: UUID, deviceId: UUID, with statement: ImportBinder
    ) throws {
        try statement.bind(1, id)
        try statement.bind(2, deviceId)
        try statement.bind(3, timestamp)
        try statement.bind(4, material.type.rawValue)
        try statement.bind(5, material.credentialsId)
        try statement.bind(6, material.credentialsValue)
        try statement.execute()
    }

    /// Upserts the row's attributes, appends its samples at the batch's timestamp and moves the latest values.
    private func writeKeyValues(_ row: ImportRow, entityId: UUID) throws {
        let attribute = statements.upsertAttribute
        for item in row.attributes {
            let (tag, value) = TypedValueRecord.encode(item.value)
            try attribute.bind(1, entityId)
            try attribute.bind(2, Int64(TypedValueRecord.code(item.scope ?? .server)))
            try attribute.bind(3, item.key)
            try attribute.bind(4, tag)
            try attribute.bind(5, value)
            try attribute.bind(6, timestamp)
            try attribute.execute()
        }
        for sample in row.telemetry {
            let (tag, value) = TypedValueRecord.encode(sample.value)
            try writeSample(statements.upsertSample, entityId: entityId, key: sample.key, tag: tag, value: value)
            try writeSample(statements.upsertLatest, entityId: entityId, key: sample.key, tag: tag, value: value)
        }
    }

    private func writeSample(_ statement: ImportBinder, entityId: UUID, key: String, tag: String, value: DatabaseValue)
        throws
    {
        try statement.bind(1, entityId)
        try statement.bind(2, key)
        try statement.bind(3, timestamp)
        try statement.bind(4, tag)
        try statement.bind(5, value)
        try statement.execute()
    }
}
