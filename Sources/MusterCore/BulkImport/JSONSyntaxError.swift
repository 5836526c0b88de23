/// Why a cell is not a valid JSON object or array (``CompactJSON/compact(_:)``).
///
/// Offsets are 0-based byte offsets into the cell's UTF-8 text.
package enum JSONSyntaxError: Error, Equatable, Sendable {
    /// The text ends before the value is complete.
    case unexpectedEnd
    /// A byte that cannot start or continue a value here.
    case unexpectedCharacter(offset: Int)
    /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
    case invalidEscape(offset: Int)
    /// An unescaped control character (below U+0020) inside a string.
    case controlCharacterInString(offset: Int)
    /// A malformed number (leading zeros, a missing digit after `-`, `.` or the exponent).
    case invalidNumber(offset: Int)
    /// Objects and arrays nest deeper than `limit`.
    case tooDeep(offset: Int, limit: Int)
    /// Something other than whitespace follows the value.
    case trailingCharacters(offset: Int)
    /// The value is a string, number, boolean or null, not an object or array.
    case notAnObjectOrArray
}

extension JSONSyntaxError: CustomStringConvertible {
    /// A plain-English reason such as `unexpected character at byte 5` (1-based), without the text.
    package var description: String {
        switch self {
        case .unexpectedEnd:
            return "the text ends before the JSON value is complete"
        case .unexpectedCharacter(let offset):
            return "unexpected character at byte \(offset + 1)"
        case .invalidEscape(let offset):
            return "invalid escape sequence at byte \(offset + 1)"
        case .controlCharacterInString(let offset):
            return "unescaped control character in a string at byte \(offset + 1)"
        case .invalidNumber(let offset):
            return "invalid number at byte \(offset + 1)"
        case .tooDeep(let offset, let limit):
            return "objects and arrays nest deeper than \(limit) levels at byte \(offset + 1)"
        case .trailingCharacters(let offset):
            return "unexpected text after the JSON value at byte \(offset + 1)"
        case .notAnObjectOrArray:
            return "not a JSON object or array"
        }
    }
}
