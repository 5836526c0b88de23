import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: ImportStore {
    /// Always `nil`: PostgreSQL's writers run side by side, so an import's batch holds up no other write.
    package var importBatchLimit: Int? { nil }

    /// Applies `batch.rows` in order in one transaction, each row in its own savepoint, all or nothing: a row
    /// whose credentials another device holds leaves nothing written and is `.credentialsTaken`; an existing
    /// entity is `.alreadyExists` (nothing written) unless `batch.update`, which merges the row into it as on
    /// SQLite (a missing cell keeps the stored value). A dry run computes every outcome, then rolls back; otherwise
    /// the batch's job checkpoint, when it has one, is written in the same transaction (``writeCheckpoint(_:on:)``).
    ///
    /// The rows go in by `COPY` into staging tables and a few set statements per batch; only rows whose outcome
    /// depends on an earlier row of the batch, and updates of existing entities, are written one by one (see
    /// ``PostgresImportBulkWriter``).
    /// - Returns: One outcome per row, in order.
    /// - Throws: Any other database error, with the whole batch rolled back.
    package func applyImport(_ batch: ImportBatch) async throws -> [ImportRowOutcome] {
        guard !batch.rows.isEmpty else { return [] }
        do {
            // Bounded as every statement is (``bounded(_:)``): a batch caught by a failover on a connection the server
            // closed would otherwise wait for ever; whatever it commits commits with its checkpoint.
            return try await bounded { [self, client, logger] in try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    // The planner's estimates for the staging tables cross JIT's thresholds; compiling the batch's
                    // statements took about 0.3 s of the 0.75 s entity insert of a 10,000-row batch.
                    try await connection.query("SET LOCAL jit = off", logger: logger)
                    let outcomes = try await PostgresImportBulkWriter(
                        store: self, connection: connection, batch: batch
                    ).apply()
                    if batch.dryRun {
                        try await connection.query("ROLLBACK", logger: logger)
                        return outcomes
                    }
                    // The job's counts of these rows commit with them (or not at all).
                    if let checkpoint = batch.checkpoint {
                        try await writeCheckpoint(checkpoint(outcomes), on: connection)
                    }
                    try await connection.query("COMMIT", logger: logger)
                    return outcomes
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            } }
        } catch {
            throw Self.unwrapped(error)
        }
    }
}

/// Writes rows of one ``ImportBatch`` on a connection inside its transaction, each row in a savepoint: the rows
/// ``PostgresImportBulkWriter`` cannot write in bulk.
struct PostgresImportRowWriter {
    let store: PostgresStore
    let connection: PostgresConnection
    let batch: ImportBatch

    private var table: String { batch.entityType == .device ? "devices" : "assets" }
    private var profileColumn: String { batch.entityType == .device ? "device_profile_id" : "asset_profile_id" }

    /// Applies `row`, all or nothing.
    func apply(_ row: ImportRow) async throws -> ImportRowOutcome {
        try await execute("SAVEPOINT muster_import_row")
        do {
            let outcome = try await write(row)
            if outcome == .alreadyExists {
                try await execute("ROLLBACK TO SAVEPOINT muster_import_row")
            }
            try await execute("RELEASE SAVEPOINT muster_import_row")
            return outcome
        } catch let error as PSQLError where PostgresConstraint(error) == .credentialsId {
            try await execute("ROLLBACK TO SAVEPOINT muster_import_row")
            try await execute("RELEASE SAVEPOINT muster_import_row")
            return .credentialsTaken
        }
    }

    private func write(_ row: ImportRow) async throws -> ImportRowOutcome {
        let profile = row.profile ?? batch.defaultProfile
        let inserted = try await store.rowCount(
            """
            INSERT INTO \(unescaped: table) (id, tenant_id, name, search_text, type, \(unescaped: profileColumn), label,
                additional_info, created_time, version)
            VALUES (\(row.newEntityId), \(batch.tenantId), \(row.name), \(SearchText.fold(row.name)),
                \(profile.name), \(profile.id), \(row.label), \(row.additionalInfo(merging: nil)), \(batch.timestamp), 1)
            ON CONFLICT DO NOTHING
            RETURNING 1
            """, on: connection)
        if inserted > 0 {
            if batch.entityType == .device, let material = row.credentials ?? row.generatedCredentials {
                try await insertCredentials(material, id: row.newCredentialsId, deviceId: row.newEntityId)
            }
            try await writeKeyValues(row, entityId: row.newEntityId)
            return .created
        }
        guard batch.update else { return .alreadyExists }
        let found = try await store.rows(
            "SELECT id, additional_info FROM \(unescaped: table) WHERE tenant_id = \(batch.tenantId) AND name = \(row.name)",
            on: connection
        ) { try $0.decode((UUID, String?).self) }
        guard let (id, stored) = found.first else {
            // The insert conflicted, yet the tenant has no such name: the new id is another tenant's row's.
            throw PostgresStoreError.idOwnedByAnotherTenant(table: table)
        }
        if batch.entityType == .device, let material = row.credentials {
            let replaced = try await store.rowCount(
                """
                UPDATE device_credentials SET credentials_type = \(material.type.rawValue),
                    credentials_id = \(material.credentialsId), credentials_value = \(material.credentialsValue),
                    version = version + 1
                WHERE device_id = \(id)
                RETURNING 1
                """, on: connection)
            if replaced == 0 { try await insertCredentials(material, id: row.newCredentialsId, deviceId: id) }
        }
        let info = row.additionalInfo(merging: stored)
        try await connection.query(
            """
            UPDATE \(unescaped: table) SET type = coalesce(\(row.profile?.name), type),
                \(unescaped: profileColumn) = coalesce(\(row.profile?.id), \(unescaped: profileColumn)),
                label = coalesce(\(row.label), label), additional_info = coalesce(\(info), additional_info),
                version = version + 1
            WHERE tenant_id = \(batch.tenantId) AND id = \(id)
            """, logger: store.logger)
        try await writeKeyValues(row, entityId: id)
        return batch.entityType == .device && row.credentials != nil ? .updatedCredentials(deviceId: id) : .updated
    }

    private func insertCredentials(_ material: CredentialsMaterial, id: UUID, deviceId: UUID) async throws {
        try await connection.query(
            """
            INSERT INTO device_credentials (tenant_id, id, device_id, created_time, credentials_type, credentials_id,
                credentials_value, version)
            VALUES (\(batch.tenantId), \(id), \(deviceId), \(batch.timestamp), \(material.type.rawValue),
                \(material.credentialsId), \(material.credentialsValue), 1)
            """, logger: store.logger)
    }

    /// Upserts the row's attributes, appends its samples at the batch's timestamp and moves the latest values.
    private func writeKeyValues(_ row: ImportRow, entityId: UUID) async throws {
        let ts = batch.timestamp
        for item in row.attributes {
            let value = TypedValueColumns(item.value)
            try await connection.query(
                """
                INSERT INTO attributes (entity_id, scope, key, \(unescaped: TypedValueColumns.names), last_update_ts)
                VALUES (\(entityId), \(TypedValueColumns.code(item.scope ?? .server)), \(item.key), \(value.tag),
                    \(value.bool), \(value.string), \(value.long), \(value.double), \(value.json), \(ts))
                ON CONFLICT (entity_id, scope, key) DO UPDATE SET
                    value_type = excluded.value_type, bool_v = excluded.bool_v, str_v = excluded.str_v,
                    long_v = excluded.long_v, dbl_v = excluded.dbl_v, json_v = excluded.json_v,
                    last_update_ts = excluded.last_update_ts
                """, logger: store.logger)
        }
        if !row.telemetry.isEmpty {
            try await store.saveTimeseries(
                entityId: entityId, row.telemetry.map { TimeseriesPoint(key: $0.key, ts: ts, value: $0.value) },
                on: connection)
        }
    }

    private func execute(_ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: store.logger)
    }
}
