/// Size caps that a ``CSVScanner`` enforces before it buffers anything (style rule 8).
///
/// Exceeding a cap makes the scanner throw the matching ``CSVError`` case; it never grows its
/// buffer past ``maxRecordBytes``.
package struct CSVLimits: Sendable, Equatable {
    /// The most bytes one field may hold after unquoting (`""` counts as one byte). Default 1 MiB.
    package var maxFieldBytes: Int
    /// The most fields one record may have. Default 1024.
    package var maxFieldsPerRecord: Int
    /// The most bytes one record may hold after unquoting, summed over its fields (delimiters, quotes
    /// and the line ending are not counted). This bounds the scanner's memory. Default 4 MiB.
    package var maxRecordBytes: Int

    /// Creates limits; every argument has a default suited to bulk import.
    /// - Parameters:
    ///   - maxFieldBytes: The most bytes in one unquoted field value.
    ///   - maxFieldsPerRecord: The most fields in one record.
    ///   - maxRecordBytes: The most field bytes in one record.
    package init(
        maxFieldBytes: Int = 1 << 20,
        maxFieldsPerRecord: Int = 1024,
        maxRecordBytes: Int = 4 << 20
    ) {
        self.maxFieldBytes = maxFieldBytes
        self.maxFieldsPerRecord = maxFieldsPerRecord
        self.maxRecordBytes = maxRecordBytes
    }
}
