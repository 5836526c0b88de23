import MusterCore

/// Columns holding JSON text (written with ``JSONValue/serialized``, read with ``JSONParser``) or enum raw values.
enum StoredValue {
    /// The text stored for `value`.
    static func jsonText(_ value: JSONValue?) -> String? {
        value?.serialized
    }

    /// The value of a stored JSON column.
    /// - Throws: ``SQLiteStoreError/invalidStoredValue(table:column:)`` when the text is not JSON.
    static func json(_ text: String?, table: String, column: String) throws -> JSONValue? {
        guard let text else { return nil }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw SQLiteStoreError.invalidStoredValue(table: table, column: column)
        }
    }

    /// The raw value of a text enum column.
    /// - Throws: ``SQLiteStoreError/invalidStoredValue(table:column:)`` for an unknown value.
    static func enumCase<Value: RawRepresentable<String>>(
        _ type: Value.Type, _ text: String, table: String, column: String
    ) throws -> Value {
        guard let value = Value(rawValue: text) else {
            throw SQLiteStoreError.invalidStoredValue(table: table, column: column)
        }
        return value
    }
}
