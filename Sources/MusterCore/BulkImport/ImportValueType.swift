/// The type a bulk-import mapping column forces on its cells (Muster's `valueType` extension field,
/// decision 6). Without it, a cell's type is inferred with ``AttributeValue/inferred(fromCell:)``.
package enum ImportValueType: String, Sendable, Codable, CaseIterable {
    /// Keep the cell text as it is.
    case string = "STRING"
    /// A 64-bit integer.
    case long = "LONG"
    /// A double-precision number.
    case double = "DOUBLE"
    /// `true` or `false`, in any letter case.
    case boolean = "BOOLEAN"
    /// A JSON object or array.
    case json = "JSON"
}
