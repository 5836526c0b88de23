import Foundation

/// What bulk import needs from storage.
package protocol ImportStore: Sendable {
    /// Applies `batch.rows` in order inside one transaction, each row all or nothing (entity, credentials,
    /// attributes, telemetry: a store uses a savepoint per row, or undoes a refused new row exactly). When
    /// `batch.dryRun` the whole transaction is rolled back after the outcomes are known, so nothing is written.
    ///
    /// A row whose name the tenant does not have yet creates the entity with `row.newEntityId`, the row's profile
    /// (else `batch.defaultProfile`) and that profile's name as its `type`, the row's label,
    /// ``ImportRow/additionalInfo(merging:)`` of `nil`, `batch.timestamp` as its creation time and version 1; a
    /// device gets `row.credentials` (else `row.generatedCredentials`) with `row.newCredentialsId`.
    ///
    /// A row whose name the tenant has is `.alreadyExists`, writing nothing, unless `batch.update`; then it merges
    /// into the entity by this rule, which every store applies as it is (a missing cell never clears anything):
    /// - profile and `type`: the row's profile and its name when the row has a TYPE, else both kept (a device's or
    ///   asset's type follows its profile's name);
    /// - label: the row's when it has one, else kept;
    /// - additional info: ``ImportRow/additionalInfo(merging:)`` of the stored text when that is not `nil`, else
    ///   kept (the core decides the JSON merge);
    /// - credentials (devices): `row.credentials` replaces the type, id and value of the device's credentials
    ///   (keeping their row id; inserted with `row.newCredentialsId` if it has none), else kept; generated
    ///   credentials never touch an existing device;
    /// - the version is incremented; id, name and creation time are kept.
    ///
    /// Every row written then upserts its attributes (last updated at `batch.timestamp`) and appends its telemetry
    /// at `batch.timestamp` (a sample at that timestamp is replaced; the latest value moves when not older).
    /// - Returns: One outcome per row, in the same order: `.created`; `.updated`, or `.updatedCredentials` when an
    ///   existing device's credentials were replaced (its sessions must end); `.alreadyExists`; `.credentialsTaken`
    ///   when another device holds the row's credentials (``StoreConstraint/credentialsId``), with nothing of the
    ///   row written while the other rows go on.
    ///
    /// When `batch.checkpoint` is set and the batch is not a dry run, the store calls it with the outcomes and
    /// records the checkpoint it returns (as ``ImportJobStore/recordImportCheckpoint(_:)`` does) in the same
    /// transaction as the rows, so a job's counts always equal the rows committed, whenever the process stops.
    /// - Throws: Any other error, with the whole batch rolled back (a store failure included);
    ///   ``ImportJobStoreError/notRunning(_:)`` when the checkpoint's job is no longer `RUNNING`.
    func applyImport(_ batch: ImportBatch) async throws -> [ImportRowOutcome]

    /// The most rows the store wants in the import's next batch now, or `nil` for the importer's own batch size.
    /// A store with a single writer (SQLite) asks for small batches while other writes (a provisioning, a
    /// device's telemetry) are waiting or have just waited for it, so that they wait behind a few rows, never behind
    /// a whole batch; a store whose writers run side by side (PostgreSQL) answers `nil`.
    var importBatchLimit: Int? { get }
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
    /// The checkpoint of the job the batch belongs to, made from the batch's outcomes and written in its
    /// transaction (ignored in a dry run, which writes nothing).
    package var checkpoint: (@Sendable ([ImportRowOutcome]) -> ImportJobCheckpoint)?

    package init(
        tenantId: UUID, entityType: ImportEntityType, update: Bool, dryRun: Bool, timestamp: Int64,
        defaultProfile: ProfileReference, rows: [ImportRow],
        checkpoint: (@Sendable ([ImportRowOutcome]) -> ImportJobCheckpoint)? = nil
    ) {
        self.tenantId = tenantId
        self.entityType = entityType
        self.update = update
        self.dryRun = dryRun
        self.timestamp = timestamp
        self.defaultProfile = defaultProfile
        self.rows = rows
        self.checkpoint = checkpoint
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
