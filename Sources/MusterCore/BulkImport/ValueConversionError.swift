/// Why a cell cannot be converted to the type its mapping column asks for
/// (``AttributeValue/converted(fromCell:to:)``). Descriptions never include the cell.
package enum ValueConversionError: Error, Equatable, Sendable {
    /// What is wrong with a cell that should be a number.
    package enum NumberProblem: Equatable, Sendable {
        /// The cell is not a decimal number (it may use `,` as the decimal point, and an exponent).
        case notANumber
        /// The number has a fractional part, but a whole number is required.
        case fractional
        /// The number does not fit the type (a 64-bit integer, or a finite double).
        case outOfRange
    }

    /// The column is LONG and the cell is not a whole number that fits in 64 bits.
    case notALong(NumberProblem)
    /// The column is DOUBLE and the cell is not a finite number.
    case notADouble(NumberProblem)
    /// The column is BOOLEAN and the cell is neither `true` nor `false` (in any letter case).
    case notABoolean
    /// The column is JSON and the cell is not a valid JSON object or array.
    case notJSON(JSONSyntaxError)
    /// The column is JSON and the cell holds a number that is neither a finite double nor a 64-bit integer.
    case jsonNumberOutOfRange
}

extension ValueConversionError: CustomStringConvertible {
    /// A plain-English reason, for an import error line such as `Line 3: column 4: <description>`.
    package var description: String {
        switch self {
        case .notALong(.notANumber):
            return "expected a whole number (LONG)"
        case .notALong(.fractional):
            return "expected a whole number (LONG), but the number has a fractional part"
        case .notALong(.outOfRange):
            return "the number does not fit in a 64-bit integer (LONG)"
        case .notADouble(.notANumber), .notADouble(.fractional):
            return "expected a number (DOUBLE)"
        case .notADouble(.outOfRange):
            return "the number is too large for a DOUBLE"
        case .notABoolean:
            return "expected true or false (BOOLEAN)"
        case .notJSON(let error):
            return "expected a JSON object or array (JSON): \(error)"
        case .jsonNumberOutOfRange:
            return "the JSON holds a number that is not a finite double or a 64-bit integer"
        }
    }
}
