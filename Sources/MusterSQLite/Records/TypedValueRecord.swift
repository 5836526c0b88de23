import GRDB
import MusterCore

/// Maps an ``AttributeValue`` to the `value_type` tag and `value` column of `attributes`, `ts_kv` and
/// `ts_kv_latest`, so that every case round-trips exactly.
///
/// `value` is a STRICT `ANY` column, so each value keeps its storage class: TEXT for strings and JSON, INTEGER
/// for longs and booleans (0 or 1), REAL for doubles (including `-0.0` and infinities). SQLite cannot store a
/// NaN REAL (it turns it into NULL), so a `DOUBLE` row with a NULL value reads back as NaN.
enum TypedValueRecord {
    /// The tag and value stored for `value`.
    static func encode(_ value: AttributeValue) -> (tag: String, value: DatabaseValue) {
        switch value {
        case .string(let text): return ("STRING", text.databaseValue)
        case .long(let number): return ("LONG", number.databaseValue)
        case .double(let number): return ("DOUBLE", number.isNaN ? .null : number.databaseValue)
        case .boolean(let flag): return ("BOOLEAN", (flag ? 1 : 0).databaseValue)
        case .json(let text): return ("JSON", text.databaseValue)
        }
    }

    /// The value stored as `tag` and `value`.
    /// - Throws: ``SQLiteStoreError/invalidStoredValue(table:column:)`` when they do not match.
    static func decode(tag: String, value: DatabaseValue, table: String) throws -> AttributeValue {
        switch (tag, value.storage) {
        case ("STRING", .string(let text)): return .string(text)
        case ("LONG", .int64(let number)): return .long(number)
        case ("DOUBLE", .double(let number)): return .double(number)
        case ("DOUBLE", .null): return .double(.nan)
        case ("BOOLEAN", .int64(let number)) where number == 0 || number == 1: return .boolean(number == 1)
        case ("JSON", .string(let text)): return .json(text)
        default: throw SQLiteStoreError.invalidStoredValue(table: table, column: "value")
        }
    }

    /// The value of a row whose columns `offset` and `offset + 1` are the tag and the value.
    static func decode(_ row: Row, at offset: Int, table: String) throws -> AttributeValue {
        try decode(tag: row.decode(atIndex: offset), value: row[offset + 1] as DatabaseValue, table: table)
    }

    /// The stored code of an attribute scope (the numbering of ThingsBoard's `attribute_type`).
    static func code(_ scope: AttributeScope) -> Int {
        switch scope {
        case .client: return 1
        case .server: return 2
        case .shared: return 3
        }
    }
}
