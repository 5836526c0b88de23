import Foundation
import MusterCore
import PostgresNIO

extension PostgresStore: KeyValueStore {
    /// The attributes of `entityId` in `scope`, by key (code point order, as on SQLite); all of them when `keys`
    /// is `nil`.
    package func attributes(entityId: UUID, scope: MusterCore.AttributeScope, keys: [String]?) async throws -> [Attribute] {
        if keys?.isEmpty == true { return [] }
        let query = SQLBuilder()
        query.append(
            """
            SELECT key, \(TypedValueColumns.names), last_update_ts FROM attributes
            WHERE entity_id = \(query.bind(entityId)) AND scope = \(query.bind(TypedValueColumns.code(scope)))
            """)
        if let keys { query.append(" AND key = ANY(\(query.bind(keys)))") }
        query.append(" ORDER BY key COLLATE \"C\"")
        return try await rows(query.query) { row in
            let (key, tag, bool, string, long, double, json, lastUpdateTs) = try row.decode(
                (String, String, Bool?, String?, Int64?, Double?, String?, Int64).self)
            return Attribute(
                key: key,
                value: try TypedValueColumns.decode((tag, bool, string, long, double, json), table: "attributes"),
                lastUpdateTs: lastUpdateTs)
        }
    }

    /// Inserts or replaces `attributes` of `entityId` in `scope`, in one transaction.
    package func saveAttributes(entityId: UUID, scope: MusterCore.AttributeScope, _ attributes: [Attribute]) async throws {
        guard !attributes.isEmpty else { return }
        let scopeCode = TypedValueColumns.code(scope)
        try await transaction { [self] connection in
            for attribute in attributes {
                let value = TypedValueColumns(attribute.value)
                try await connection.query(
                    """
                    INSERT INTO attributes (entity_id, scope, key, \(unescaped: TypedValueColumns.names), last_update_ts)
                    VALUES (\(entityId), \(scopeCode), \(attribute.key), \(value.tag), \(value.bool), \(value.string),
                        \(value.long), \(value.double), \(value.json), \(attribute.lastUpdateTs))
                    ON CONFLICT (entity_id, scope, key) DO UPDATE SET
                        value_type = excluded.value_type, bool_v = excluded.bool_v, str_v = excluded.str_v,
                        long_v = excluded.long_v, dbl_v = excluded.dbl_v, json_v = excluded.json_v,
                        last_update_ts = excluded.last_update_ts
                    """, logger: logger)
            }
        }
    }

    /// Deletes the attributes `keys` of `entityId` in `scope`.
    /// - Returns: How many were deleted.
    package func deleteAttributes(entityId: UUID, scope: MusterCore.AttributeScope, keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await rowCount(
            """
            DELETE FROM attributes
            WHERE entity_id = \(entityId) AND scope = \(TypedValueColumns.code(scope)) AND key = ANY(\(keys))
            RETURNING 1
            """
        )
    }

    /// Appends `points` (a sample at an existing `(key, ts)` replaces it) and moves each key's latest value
    /// forward, in one transaction.
    package func saveTimeseries(entityId: UUID, _ points: [TimeseriesPoint]) async throws {
        guard !points.isEmpty else { return }
        try await transaction { [self] connection in try await saveTimeseries(entityId: entityId, points, on: connection) }
    }

    /// Writes `points` on `connection`, inside its transaction.
    func saveTimeseries(entityId: UUID, _ points: [TimeseriesPoint], on connection: PostgresConnection) async throws {
        for point in points {
            let value = TypedValueColumns(point.value)
            try await connection.query(
                """
                INSERT INTO ts_kv (entity_id, key, ts, \(unescaped: TypedValueColumns.names))
                VALUES (\(entityId), \(point.key), \(point.ts), \(value.tag), \(value.bool), \(value.string),
                    \(value.long), \(value.double), \(value.json))
                ON CONFLICT (entity_id, key, ts) DO UPDATE SET
                    value_type = excluded.value_type, bool_v = excluded.bool_v, str_v = excluded.str_v,
                    long_v = excluded.long_v, dbl_v = excluded.dbl_v, json_v = excluded.json_v
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO ts_kv_latest (entity_id, key, ts, \(unescaped: TypedValueColumns.names))
                VALUES (\(entityId), \(point.key), \(point.ts), \(value.tag), \(value.bool), \(value.string),
                    \(value.long), \(value.double), \(value.json))
                ON CONFLICT (entity_id, key) DO UPDATE SET
                    ts = excluded.ts, value_type = excluded.value_type, bool_v = excluded.bool_v,
                    str_v = excluded.str_v, long_v = excluded.long_v, dbl_v = excluded.dbl_v,
                    json_v = excluded.json_v
                WHERE excluded.ts >= ts_kv_latest.ts
                """, logger: logger)
        }
    }

    /// The latest sample of each key of `entityId`, by key; all keys when `keys` is `nil`.
    package func latestTimeseries(entityId: UUID, keys: [String]?) async throws -> [TimeseriesPoint] {
        if keys?.isEmpty == true { return [] }
        let query = SQLBuilder()
        query.append(
            """
            SELECT key, ts, \(TypedValueColumns.names) FROM ts_kv_latest WHERE entity_id = \(query.bind(entityId))
            """)
        if let keys { query.append(" AND key = ANY(\(query.bind(keys)))") }
        query.append(" ORDER BY key COLLATE \"C\"")
        return try await rows(query.query) { try Self.point($0, table: "ts_kv_latest") }
    }

    /// The samples of each of `keys` with `startTs <= ts <= endTs`, at most `limit` per key, newest first unless
    /// `ascending`; grouped by key in the order of `keys`.
    package func timeseries(
        entityId: UUID, keys: [String], startTs: Int64, endTs: Int64, limit: Int, ascending: Bool
    ) async throws -> [TimeseriesPoint] {
        guard !keys.isEmpty, limit > 0, startTs <= endTs else { return [] }
        let direction = ascending ? "ASC" : "DESC"
        return try await snapshot { [self] connection in
            var points: [TimeseriesPoint] = []
            for key in keys {
                points += try await rows(
                    """
                    SELECT key, ts, \(unescaped: TypedValueColumns.names) FROM ts_kv
                    WHERE entity_id = \(entityId) AND key = \(key) AND ts >= \(startTs) AND ts <= \(endTs)
                    ORDER BY ts \(unescaped: direction) LIMIT \(limit)
                    """, on: connection
                ) { try Self.point($0, table: "ts_kv") }
            }
            return points
        }
    }

    /// The keys of `entityId` that have time series, sorted (code point order).
    package func timeseriesKeys(entityId: UUID) async throws -> [String] {
        try await rows(
            "SELECT key FROM ts_kv_latest WHERE entity_id = \(entityId) ORDER BY key COLLATE \"C\""
        ) { try $0.decode(String.self) }
    }

    private static func point(_ row: PostgresRow, table: String) throws -> TimeseriesPoint {
        let (key, ts, tag, bool, string, long, double, json) = try row.decode(
            (String, Int64, String, Bool?, String?, Int64?, Double?, String?).self)
        return TimeseriesPoint(
            key: key, ts: ts, value: try TypedValueColumns.decode((tag, bool, string, long, double, json), table: table))
    }
}
