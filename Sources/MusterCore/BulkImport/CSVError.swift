/// Why a CSV file could not be scanned.
///
/// Every case names the 1-based `record` (counted like ``CSVRecord/number``: the header is record 1,
/// blank lines are not counted) and a 1-based physical `line`: where the offending byte is for quote
/// errors and ``tooManyFields(record:line:limit:)``, where the field starts for
/// ``unterminatedQuote(record:line:)``, ``invalidUTF8(record:line:column:)`` and
/// ``fieldTooLarge(record:line:column:limit:)``, and where the record starts for
/// ``recordTooLarge(record:line:limit:)``. These never depend on how the input was split into chunks.
/// `column` is the 1-based field (CSV column) index within the record. No case carries cell contents,
/// so a description is safe to log and to return to the client.
package enum CSVError: Error, Equatable, Sendable {
    /// The file ended inside a quoted field; `line` is where its opening quote is.
    case unterminatedQuote(record: Int, line: Int)
    /// A `"` inside an unquoted field, as in `ab"c`.
    case unexpectedQuote(record: Int, line: Int, column: Int)
    /// Something other than a delimiter, a line break or a space follows a closing quote, as in `"ab"c`.
    case characterAfterClosingQuote(record: Int, line: Int, column: Int)
    /// The field's bytes are not valid UTF-8.
    case invalidUTF8(record: Int, line: Int, column: Int)
    /// The field holds more than `limit` bytes (``CSVLimits/maxFieldBytes``).
    case fieldTooLarge(record: Int, line: Int, column: Int, limit: Int)
    /// The record has more than `limit` fields (``CSVLimits/maxFieldsPerRecord``).
    case tooManyFields(record: Int, line: Int, limit: Int)
    /// The record holds more than `limit` bytes (``CSVLimits/maxRecordBytes``).
    case recordTooLarge(record: Int, line: Int, limit: Int)
}

extension CSVError: CustomStringConvertible {
    /// A plain-English message such as `line 7: unterminated quoted field`, without cell contents.
    package var description: String {
        switch self {
        case .unterminatedQuote(let record, let line):
            return "\(Self.location(record, line)): unterminated quoted field"
        case .unexpectedQuote(let record, let line, let column):
            return "\(Self.location(record, line)), column \(column): quote inside an unquoted field"
        case .characterAfterClosingQuote(let record, let line, let column):
            return "\(Self.location(record, line)), column \(column): unexpected character after a closing quote"
        case .invalidUTF8(let record, let line, let column):
            return "\(Self.location(record, line)), column \(column): field is not valid UTF-8"
        case .fieldTooLarge(let record, let line, let column, let limit):
            return "\(Self.location(record, line)), column \(column): field is larger than \(limit) bytes"
        case .tooManyFields(let record, let line, let limit):
            return "\(Self.location(record, line)): record has more than \(limit) fields"
        case .recordTooLarge(let record, let line, let limit):
            return "\(Self.location(record, line)): record is larger than \(limit) bytes"
        }
    }

    /// `line 7`, or `line 9 (record 7)` when blank lines or quoted line breaks make them differ.
    static func location(_ record: Int, _ line: Int) -> String {
        record == line ? "line \(line)" : "line \(line) (record \(record))"
    }
}
