import MusterCore
import PostgresNIO

/// An ``AttributeValue`` as the `value_type` tag and the one typed column of `attributes`, `ts_kv` and
/// `ts_kv_latest` (`bool_v`, `str_v`, `long_v`, `dbl_v`, `json_v`, as in ThingsBoard's schema), so that every
/// case round-trips exactly (PostgreSQL stores NaN, infinities and `-0.0` in `double precision`).
struct TypedValueColumns {
    var tag: String
    var bool: Bool?
    var string: String?
    var long: Int64?
    var double: Double?
    var json: String?

    /// The columns, in this order, that ``decode(_:table:)`` reads after the tag.
    static let names = "value_type, bool_v, str_v, long_v, dbl_v, json_v"

    init(_ value: AttributeValue) {
        switch value {
        case .string(let text): tag = "STRING"; string = text
        case .long(let number): tag = "LONG"; long = number
        case .double(let number): tag = "DOUBLE"; double = number
        case .boolean(let flag): tag = "BOOLEAN"; bool = flag
        case .json(let text): tag = "JSON"; json = text
        }
    }

    /// The value of a row's `value_type, bool_v, str_v, long_v, dbl_v, json_v`.
    /// - Throws: ``PostgresStoreError/invalidStoredValue(table:column:)`` when the tag names no set column.
    static func decode(
        _ columns: (String, Bool?, String?, Int64?, Double?, String?), table: String
    ) throws -> AttributeValue {
        switch columns {
        case ("STRING", _, let text?, _, _, _): return .string(text)
        case ("LONG", _, _, let number?, _, _): return .long(number)
        case ("DOUBLE", _, _, _, let number?, _): return .double(number)
        case ("BOOLEAN", let flag?, _, _, _, _): return .boolean(flag)
        case ("JSON", _, _, _, _, let text?): return .json(text)
        default: throw PostgresStoreError.invalidStoredValue(table: table, column: "value_type")
        }
    }

    /// The stored code of an attribute scope (the numbering of ThingsBoard's `attribute_type`), as on SQLite.
    static func code(_ scope: MusterCore.AttributeScope) -> Int16 {
        switch scope {
        case .client: 1
        case .server: 2
        case .shared: 3
        }
    }
}
