/// One record (row) of a CSV file, as produced by ``CSVScanner``.
package struct CSVRecord: Sendable, Equatable {
    /// The 1-based record number, counting only non-empty records: the header is record 1 and blank
    /// lines are not counted. This is ThingsBoard's "Line N" in bulk-import error messages.
    package var number: Int
    /// The 1-based physical line on which the record starts, for diagnostics. It differs from
    /// ``number`` after blank lines and after quoted fields that contain line breaks.
    package var line: Int
    /// The unquoted field values, in file order. Never empty: an empty line is not a record.
    package var fields: [String]

    /// Creates a record.
    /// - Parameters:
    ///   - number: The 1-based record number (blank lines not counted).
    ///   - line: The 1-based physical line on which the record starts.
    ///   - fields: The unquoted field values.
    package init(number: Int, line: Int, fields: [String]) {
        self.number = number
        self.line = line
        self.fields = fields
    }
}
