import Foundation
import MusterCore
import PostgresNIO

/// Writes one ``ImportBatch`` on a connection inside its transaction with `COPY`, isolating the rows that cannot
/// be written that way, so that every row gets the outcome it would get written alone, in order, by
/// ``PostgresImportRowWriter``.
///
/// 1. **Partition.** A row whose name, credentials id or new id repeats an earlier row's of the batch is *slow*
///    (its outcome depends on that earlier row); the others are *fast*. Two fast rows never share a key, and a
///    slow row comes after every row it shares a key with.
/// 2. **Entities by COPY.** The fast rows are copied into a temporary staging table, then inserted in one
///    `INSERT … SELECT … ON CONFLICT DO NOTHING`; a row that conflicted with a stored entity is `.alreadyExists`,
///    or slow when the import updates. Devices' credentials follow in the same statement, with
///    `ON CONFLICT (credentials_id) DO NOTHING`: a device whose credentials another holds is deleted again (its
///    attributes are not written yet) and is `.credentialsTaken`, as its savepoint's rollback would leave it;
///    with update, unless a slow row comes before it (that row may free the credentials): it is slow then.
/// 3. **Values by COPY.** The attributes and samples of the rows created are copied into a second staging table
///    and upserted in three statements (the last value of a repeated key wins, as row by row).
/// 4. **Slow rows** are written last, in order, one savepoint each (``PostgresImportRowWriter``).
///
/// A duplicate-free batch of new devices thus costs two `COPY`s and six statements (two of them creating the staging
/// tables), whatever its size.
struct PostgresImportBulkWriter {
    let store: PostgresStore
    let connection: PostgresConnection
    let batch: ImportBatch

    private var isDevice: Bool { batch.entityType == .device }
    private var table: String { isDevice ? "devices" : "assets" }
    private var profileColumn: String { isDevice ? "device_profile_id" : "asset_profile_id" }

    /// The outcome of every row, in order.
    func apply() async throws -> [ImportRowOutcome] {
        let rows = batch.rows
        var outcomes = [ImportRowOutcome?](repeating: nil, count: rows.count)
        var (fast, slow) = partition(rows)
        var created: [Int] = []
        if !fast.isEmpty {
            let written = try await insertEntities(fast)
            for index in fast {
                switch written[rows[index].newEntityId] {
                case true?:
                    outcomes[index] = .created
                    created.append(index)
                case false?:
                    outcomes[index] = .credentialsTaken
                case nil:
                    if batch.update { slow.append(index) } else { outcomes[index] = .alreadyExists }
                }
            }
            let taken = fast.filter { outcomes[$0] == .credentialsTaken }
            // An earlier row written one by one may move a stored device to other credentials, freeing the ones
            // a later row was refused for: with update, such a row is written one by one too, after it.
            if batch.update, let firstSlow = slow.min() {
                for index in taken where index > firstSlow {
                    outcomes[index] = nil
                    slow.append(index)
                }
            }
            if !taken.isEmpty {
                let ids = taken.map { rows[$0].newEntityId }
                try await connection.query(
                    "DELETE FROM devices WHERE tenant_id = \(batch.tenantId) AND id = ANY(\(ids))", logger: store.logger)
            }
            try await insertKeyValues(created.map { rows[$0] })
        }
        if !slow.isEmpty {
            let writer = PostgresImportRowWriter(store: store, connection: connection, batch: batch)
            for index in slow.sorted() { outcomes[index] = try await writer.apply(rows[index]) }
        }
        return outcomes.map { $0! }
    }

    /// The indices of the fast rows and of the slow rows (step 1).
    private func partition(_ rows: [ImportRow]) -> (fast: [Int], slow: [Int]) {
        var names = Set<String>(minimumCapacity: rows.count)
        var credentials = Set<String>(minimumCapacity: rows.count)
        var ids = Set<UUID>(minimumCapacity: rows.count)
        var fast: [Int] = []
        var slow: [Int] = []
        fast.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            var repeated = !names.insert(row.name).inserted
            if !ids.insert(row.newEntityId).inserted { repeated = true }
            if isDevice, let material = row.credentials ?? row.generatedCredentials,
                !credentials.insert(material.credentialsId).inserted
            {
                repeated = true
            }
            if repeated { slow.append(index) } else { fast.append(index) }
        }
        return (fast, slow)
    }

    /// Copies the fast rows' entities (and credentials) in and inserts those whose name is free (step 2).
    /// - Returns: For each entity inserted, by its new id, whether its credentials were (always `true` for assets
    ///   and for devices without credentials).
    private func insertEntities(_ indices: [Int]) async throws -> [UUID: Bool] {
        try await execute(
            """
            CREATE TEMPORARY TABLE muster_import_entities (
                ord INTEGER, id UUID, name TEXT, search_text TEXT, type TEXT, profile_id UUID, label TEXT, info TEXT,
                credentials_row_id UUID, credentials_type TEXT, credentials_id TEXT, credentials_value TEXT
            ) ON COMMIT DROP
            """)
        try await connection.copyFrom(
            table: "muster_import_entities",
            columns: ["ord", "id", "name", "search_text", "type", "profile_id", "label", "info", "credentials_row_id",
                "credentials_type", "credentials_id", "credentials_value"],
            logger: store.logger
        ) { writer in
            var text = CopyText(capacity: 1 << 20)
            for index in indices {
                let row = batch.rows[index]
                let profile = row.profile ?? batch.defaultProfile
                let material = isDevice ? row.credentials ?? row.generatedCredentials : nil
                text.field(index)
                text.field(row.newEntityId)
                text.field(row.name)
                text.field(SearchText.fold(row.name))
                text.field(profile.name)
                text.field(profile.id)
                text.field(row.label)
                text.field(row.additionalInfo(merging: nil))
                text.field(material.map { _ in row.newCredentialsId })
                text.field(material?.type.rawValue)
                text.field(material?.credentialsId)
                text.field(material?.credentialsValue, last: true)
                if text.buffer.readableBytes >= 1 << 20 { try await writer.write(text.take()) }
            }
            if text.buffer.readableBytes > 0 { try await writer.write(text.take()) }
        }
        let entities = """
            INSERT INTO \(table) (id, tenant_id, name, search_text, type, \(profileColumn), label, additional_info,
                created_time, version)
            SELECT id, $1, name, search_text, type, profile_id, label, info, $2, 1
            FROM muster_import_entities ORDER BY ord
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        let sql =
            isDevice
            ? """
            WITH inserted AS (\(entities)),
            credentials AS (
                INSERT INTO device_credentials (tenant_id, id, device_id, created_time, credentials_type,
                    credentials_id, credentials_value, version)
                SELECT $1, s.credentials_row_id, s.id, $2, s.credentials_type, s.credentials_id, s.credentials_value, 1
                FROM muster_import_entities AS s JOIN inserted AS i ON i.id = s.id
                WHERE s.credentials_id IS NOT NULL
                ORDER BY s.ord
                ON CONFLICT (credentials_id) DO NOTHING
                RETURNING device_id
            )
            SELECT i.id, c.device_id IS NOT NULL OR s.credentials_id IS NULL
            FROM inserted AS i JOIN muster_import_entities AS s ON s.id = i.id
            LEFT JOIN credentials AS c ON c.device_id = i.id
            """
            : "WITH inserted AS (\(entities)) SELECT id, true FROM inserted"
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(batch.tenantId)
        bindings.append(batch.timestamp)
        var written: [UUID: Bool] = [:]
        written.reserveCapacity(indices.count)
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        for try await row in try await connection.query(query, logger: store.logger) {
            let (id, complete) = try row.decode((UUID, Bool).self)
            written[id] = complete
        }
        return written
    }

    /// Copies the attributes and samples of `rows` (all created just now) in and upserts them (step 3).
    private func insertKeyValues(_ rows: [ImportRow]) async throws {
        guard rows.contains(where: { !$0.attributes.isEmpty || !$0.telemetry.isEmpty }) else { return }
        try await execute(
            """
            CREATE TEMPORARY TABLE muster_import_values (
                entity_id UUID, scope SMALLINT, key TEXT, value_type TEXT, bool_v BOOLEAN, str_v TEXT, long_v BIGINT,
                dbl_v DOUBLE PRECISION, json_v TEXT
            ) ON COMMIT DROP
            """)
        try await connection.copyFrom(
            table: "muster_import_values",
            columns: ["entity_id", "scope", "key", "value_type", "bool_v", "str_v", "long_v", "dbl_v", "json_v"],
            logger: store.logger
        ) { writer in
            var text = CopyText(capacity: 1 << 20)
            for row in rows {
                // Telemetry has scope 0; a repeated key keeps its last value, as upserting row by row does.
                var values: [ImportKeyValue] = []
                for item in row.attributes + row.telemetry {
                    if let earlier = values.firstIndex(where: { $0.scope == item.scope && $0.key == item.key }) {
                        values.remove(at: earlier)
                    }
                    values.append(item)
                }
                for item in values {
                    let value = TypedValueColumns(item.value)
                    text.field(row.newEntityId)
                    text.field(item.scope.map { Int(TypedValueColumns.code($0)) } ?? 0)
                    text.field(item.key)
                    text.field(value.tag)
                    text.field(value.bool)
                    text.field(value.string)
                    text.field(value.long.map(Int.init))
                    text.field(value.double)
                    text.field(value.json, last: true)
                }
                if text.buffer.readableBytes >= 1 << 20 { try await writer.write(text.take()) }
            }
            if text.buffer.readableBytes > 0 { try await writer.write(text.take()) }
        }
        let ts = batch.timestamp
        try await connection.query(
            """
            INSERT INTO attributes (entity_id, scope, key, \(unescaped: TypedValueColumns.names), last_update_ts)
            SELECT entity_id, scope, key, \(unescaped: TypedValueColumns.names), \(ts)
            FROM muster_import_values WHERE scope <> 0
            ON CONFLICT (entity_id, scope, key) DO UPDATE SET
                value_type = excluded.value_type, bool_v = excluded.bool_v, str_v = excluded.str_v,
                long_v = excluded.long_v, dbl_v = excluded.dbl_v, json_v = excluded.json_v,
                last_update_ts = excluded.last_update_ts
            """, logger: store.logger)
        try await connection.query(
            """
            INSERT INTO ts_kv (entity_id, key, ts, \(unescaped: TypedValueColumns.names))
            SELECT entity_id, key, \(ts), \(unescaped: TypedValueColumns.names)
            FROM muster_import_values WHERE scope = 0
            ON CONFLICT (entity_id, key, ts) DO UPDATE SET
                value_type = excluded.value_type, bool_v = excluded.bool_v, str_v = excluded.str_v,
                long_v = excluded.long_v, dbl_v = excluded.dbl_v, json_v = excluded.json_v
            """, logger: store.logger)
        try await connection.query(
            """
            INSERT INTO ts_kv_latest (entity_id, key, ts, \(unescaped: TypedValueColumns.names))
            SELECT entity_id, key, \(ts), \(unescaped: TypedValueColumns.names)
            FROM muster_import_values WHERE scope = 0
            ON CONFLICT (entity_id, key) DO UPDATE SET
                ts = excluded.ts, value_type = excluded.value_type, bool_v = excluded.bool_v,
                str_v = excluded.str_v, long_v = excluded.long_v, dbl_v = excluded.dbl_v, json_v = excluded.json_v
            WHERE excluded.ts >= ts_kv_latest.ts
            """, logger: store.logger)
    }

    private func execute(_ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: store.logger)
    }
}

/// Rows in `COPY`'s text format: fields separated by tabs, rows ended by a newline, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped in values.
struct CopyText {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// The rows so far; the buffer starts empty again.
    mutating func take() -> ByteBuffer {
        defer { buffer = ByteBufferAllocator().buffer(capacity: buffer.capacity) }
        return buffer
    }

    mutating func field(_ value: String?, last: Bool = false) {
        if let value {
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        } else {
            buffer.writeStaticString("\\N")
        }
        end(last)
    }

    mutating func field(_ value: UUID?, last: Bool = false) {
        if let value { buffer.writeString(value.uuidString) } else { buffer.writeStaticString("\\N") }
        end(last)
    }

    mutating func field(_ value: Int?, last: Bool = false) {
        if let value { buffer.writeString(String(value)) } else { buffer.writeStaticString("\\N") }
        end(last)
    }

    mutating func field(_ value: Bool?, last: Bool = false) {
        switch value {
        case true?: buffer.writeStaticString("t")
        case false?: buffer.writeStaticString("f")
        case nil: buffer.writeStaticString("\\N")
        }
        end(last)
    }

    /// A double in a text PostgreSQL reads back to the same value (shortest round-trip digits; NaN, ±Infinity).
    mutating func field(_ value: Double?, last: Bool = false) {
        switch value {
        case nil: buffer.writeStaticString("\\N")
        case let number? where number.isNaN: buffer.writeStaticString("NaN")
        case let number? where number.isInfinite: buffer.writeString(number < 0 ? "-Infinity" : "Infinity")
        case let number?: buffer.writeString("\(number)")
        }
        end(last)
    }

    private mutating func end(_ last: Bool) {
        buffer.writeInteger(last ? UInt8(ascii: "\n") : UInt8(ascii: "\t"))
    }
}
