import Foundation

/// What bulk import needs from storage.
package protocol ImportStore: Sendable {
    /// Applies `batch.rows` in order inside one transaction, each row inside its own savepoint so that it is
    /// all-or-nothing (entity, credentials, attributes, telemetry). When `batch.dryRun` the whole transaction is
    /// rolled back after the outcomes are known, so nothing is written.
    /// - Returns: One outcome per row, in the same order.
    func applyImport(_ batch: ImportBatch) async throws -> [ImportRowOutcome]
}

/// A profile an import row refers to.
package struct ProfileReference: Sendable, Hashable {
    package var id: UUID
    package var name: String

    package init(id: UUID, name: String) {
        self.id = id
        self.name = name
    }
}

/// Rows to apply in one transaction.
package struct ImportBatch: Sendable {
    package var tenantId: UUID
    package var entityType: ImportEntityType
    /// Whether existing entities are updated (otherwise they are `.alreadyExists`).
    package var update: Bool
    package var dryRun: Bool
    /// The timestamp of attribute updates and telemetry samples (the import's start).
    package var timestamp: Int64
    /// The profile of new entities whose row has no TYPE.
    package var defaultProfile: ProfileReference
    package var rows: [ImportRow]

    package init(
        tenantId: UUID, entityType: ImportEntityType, update: Bool, dryRun: Bool, timestamp: Int64,
        defaultProfile: ProfileReference, rows: [ImportRow]
    ) {
        self.tenantId = tenantId
        self.entityType = entityType
        self.update = update
        self.dryRun = dryRun
        self.timestamp = timestamp
        self.defaultProfile = defaultProfile
        self.rows = rows
    }
}

/// What happened to one row.
package enum ImportRowOutcome: Sendable, Equatable {
    case created
    case updated
    /// The existing device was updated and its credentials replaced: its open sessions must end.
    case updatedCredentials(deviceId: UUID)
    /// The entity exists and the import does not update (decision 3); nothing was written.
    case alreadyExists
    /// Another device holds the row's credentials; nothing was written.
    case credentialsTaken
}
