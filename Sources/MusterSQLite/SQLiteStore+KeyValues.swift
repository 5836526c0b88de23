import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// The attributes of `entityId` in `scope`, by key; all of them when `keys` is `nil`.
    package func attributes(entityId: UUID, scope: MusterCore.AttributeScope, keys: [String]?) async throws
        -> [Attribute]
    {
        var sql = "SELECT key, value_type, value, last_update_ts FROM attributes WHERE entity_id = ? AND scope = ?"
        var arguments: StatementArguments = [entityId, TypedValueRecord.code(scope)]
        if let keys {
            guard !keys.isEmpty else { return [] }
            sql += " AND key IN (\(Self.placeholders(keys.count)))"
            arguments += StatementArguments(keys)
        }
        sql += " ORDER BY key"
        let query = sql
        let bound = arguments
        return try pointRead { db in
            try Row.fetchAll(db, sql: query, arguments: bound).map { row in
                Attribute(
                    key: try row.decode(atIndex: 0),
                    value: try TypedValueRecord.decode(row, at: 1, table: "attributes"),
                    lastUpdateTs: try row.decode(atIndex: 3)
                )
            }
        }
    }

    /// Inserts or replaces `attributes` of `entityId` in `scope`, in one transaction.
    package func saveAttributes(entityId: UUID, scope: MusterCore.AttributeScope, _ attributes: [Attribute])
        async throws
    {
        guard !attributes.isEmpty else { return }
        let scopeCode = TypedValueRecord.code(scope)
        return try await waitedWrite { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO attributes (entity_id, scope, key, value_type, value, last_update_ts)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (entity_id, scope, key) DO UPDATE SET
                        value_type = excluded.value_type, value = excluded.value, last_update_ts = excluded.last_update_ts
                    """)
            for attribute in attributes {
                let (tag, value) = TypedValueRecord.encode(attribute.value)
                try statement.execute(arguments: [
                    entityId, scopeCode, attribute.key, tag, value, attribute.lastUpdateTs,
                ])
            }
        }
    }

    /// Deletes the attributes `keys` of `entityId` in `scope`.
    /// - Returns: How many were deleted.
    package func deleteAttributes(entityId: UUID, scope: MusterCore.AttributeScope, keys: [String]) async throws -> Int
    {
        guard !keys.isEmpty else { return 0 }
        let sql =
            "DELETE FROM attributes WHERE entity_id = ? AND scope = ? AND key IN (\(Self.placeholders(keys.count)))"
        let arguments: StatementArguments = [entityId, TypedValueRecord.code(scope)] + StatementArguments(keys)
        return try await waitedWrite { db in
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// Appends `points` (a sample at an existing `(key, ts)` replaces it) and moves each key's latest value
    /// forward, in one transaction.
    package func saveTimeseries(entityId: UUID, _ points: [TimeseriesPoint]) async throws {
        guard !points.isEmpty else { return }
        return try await waitedWrite { db in
            let sample = try db.cachedStatement(
                sql: """
                    INSERT INTO ts_kv (entity_id, key, ts, value_type, value) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (entity_id, key, ts) DO UPDATE SET value_type = excluded.value_type, value = excluded.value
                    """)
            let latest = try db.cachedStatement(
                sql: """
                    INSERT INTO ts_kv_latest (entity_id, key, ts, value_type, value) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (entity_id, key) DO UPDATE SET
                        ts = excluded.ts, value_type = excluded.value_type, value = excluded.value
                    WHERE excluded.ts >= ts_kv_latest.ts
                    """)
            for point in points {
                let (tag, value) = TypedValueRecord.encode(point.value)
                let arguments: StatementArguments = [entityId, point.key, point.ts, tag, value]
                try sample.execute(arguments: arguments)
                try latest.execute(arguments: arguments)
            }
        }
    }

    /// The latest sample of each key of `entityId`, by key; all keys when `keys` is `nil`.
    package func latestTimeseries(entityId: UUID, keys: [String]?) async throws -> [TimeseriesPoint] {
        var sql = "SELECT key, ts, value_type, value FROM ts_kv_latest WHERE entity_id = ?"
        var arguments: StatementArguments = [entityId]
        if let keys {
            guard !keys.isEmpty else { return [] }
            sql += " AND key IN (\(Self.placeholders(keys.count)))"
            arguments += StatementArguments(keys)
        }
        sql += " ORDER BY key"
        let query = sql
        let bound = arguments
        return try await dbPool.read { db in
            try Row.fetchAll(db, sql: query, arguments: bound).map { try Self.point($0, table: "ts_kv_latest") }
        }
    }

    /// The samples of each of `keys` with `startTs <= ts <= endTs`, at most `limit` per key, newest first unless
    /// `ascending`; grouped by key in the order of `keys`.
    package func timeseries(
        entityId: UUID, keys: [String], startTs: Int64, endTs: Int64, limit: Int, ascending: Bool
    ) async throws -> [TimeseriesPoint] {
        guard !keys.isEmpty, limit > 0, startTs <= endTs else { return [] }
        let sql = """
            SELECT key, ts, value_type, value FROM ts_kv
            WHERE entity_id = ? AND key = ? AND ts >= ? AND ts <= ?
            ORDER BY ts \(ascending ? "ASC" : "DESC") LIMIT ?
            """
        return try await dbPool.read { db in
            let statement = try db.cachedStatement(sql: sql)
            var points: [TimeseriesPoint] = []
            for key in keys {
                let rows = try Row.fetchAll(statement, arguments: [entityId, key, startTs, endTs, limit])
                points += try rows.map { try Self.point($0, table: "ts_kv") }
            }
            return points
        }
    }

    /// The keys of `entityId` that have time series, sorted.
    package func timeseriesKeys(entityId: UUID) async throws -> [String] {
        try await dbPool.read { db in
            try String.fetchAll(
                db, sql: "SELECT key FROM ts_kv_latest WHERE entity_id = ? ORDER BY key", arguments: [entityId])
        }
    }

    /// `count` comma-separated `?`.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private static func point(_ row: Row, table: String) throws -> TimeseriesPoint {
        TimeseriesPoint(
            key: try row.decode(atIndex: 0), ts: try row.decode(atIndex: 1),
            value: try TypedValueRecord.decode(row, at: 2, table: table)
        )
    }
}
