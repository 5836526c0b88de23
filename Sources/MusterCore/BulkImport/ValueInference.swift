extension AttributeValue {
    /// Infers a typed value from a CSV cell, as ThingsBoard's bulk import does (wire spec §5.4), except
    /// that a number written with leading zeros stays a string (Muster decision 6).
    ///
    /// In order:
    /// 1. A decimal number (optional sign, `.` or `,` as the decimal point, optional exponent):
    ///    - with leading zeros (`007`, `-00.5`, but not `0`, `0.5`, `-0.5`): ``string(_:)``;
    ///    - with a fractional part, or with a decimal point and no exponent (`1.0`, `1,5`, `1e-3`):
    ///      ``double(_:)``, unless it has more than 16 digits of scale (`BigDecimal.scale() > 16`),
    ///      which stays a string;
    ///    - otherwise a whole number (`42`, `1e3`, `1.5e3`): ``long(_:)``, or a string if it does not
    ///      fit in 64 bits.
    ///
    ///    As in ThingsBoard, `,` is always a decimal point, so `1,000` is the double 1.0; a leading `+`
    ///    is accepted. Hex (`0x1F`), type suffixes (`1L`) and surrounding spaces make it a string.
    /// 2. `true` or `false` in any letter case: ``boolean(_:)``.
    /// 3. Text that starts with `{` and ends with `}` (or `[` and `]`) after trimming, and is valid
    ///    JSON whose numbers are finite doubles or 64-bit integers: ``json(_:)`` with its compact text
    ///    (see ``CompactJSON``).
    /// 4. Anything else, unchanged: ``string(_:)``.
    ///
    /// ThingsBoard's second pass (`JsonConverter` type casting, which turns a leftover string such as
    /// `08` into a number) is deliberately not reproduced: it would drop leading zeros (decision 6).
    /// - Parameter cell: The cell text, not trimmed.
    /// - Returns: The inferred value; never fails.
    package static func inferred(fromCell cell: String) -> AttributeValue {
        var text = cell
        let inferred: AttributeValue? = text.withUTF8 { bytes in
            if let number = DecimalNumber(bytes) {
                return inferredNumber(number, bytes: bytes)  // `nil`: keep the text.
            }
            if let boolean = parseBoolean(bytes) {
                return .boolean(boolean)
            }
            return nil
        }
        if let inferred { return inferred }
        if looksLikeJSON(cell), let compact = try? CompactJSON.compact(cell), jsonNumbersInRange(compact) {
            return .json(compact)
        }
        return .string(cell)
    }

    /// Converts a CSV cell to the type its mapping column names (Muster decision 6).
    ///
    /// - ``ImportValueType/string``: the cell as it is.
    /// - ``ImportValueType/long``: a whole number in the syntax of ``inferred(fromCell:)``; leading zeros
    ///   are allowed (`007` is 7), and so are an exponent and a zero fraction (`1e3`, `2.0`).
    /// - ``ImportValueType/double``: any number in that syntax.
    /// - ``ImportValueType/boolean``: `true` or `false` in any letter case.
    /// - ``ImportValueType/json``: a JSON object or array, stored as its compact text.
    ///
    /// Cells are not trimmed.
    /// - Parameters:
    ///   - cell: The cell text.
    ///   - type: The column's explicit type.
    /// - Returns: The value of that type.
    /// - Throws: ``ValueConversionError`` naming what is wrong.
    package static func converted(
        fromCell cell: String,
        to type: ImportValueType
    ) throws(ValueConversionError) -> AttributeValue {
        var text = cell
        switch type {
        case .string:
            return .string(cell)
        case .long:
            let result = text.withUTF8 { bytes -> Result<Int64, ValueConversionError> in
                guard let number = DecimalNumber(bytes) else { return .failure(.notALong(.notANumber)) }
                guard number.isIntegral else { return .failure(.notALong(.fractional)) }
                guard let value = number.int64 else { return .failure(.notALong(.outOfRange)) }
                return .success(value)
            }
            return .long(try result.get())
        case .double:
            let result = text.withUTF8 { bytes -> Result<Double, ValueConversionError> in
                guard DecimalNumber(bytes) != nil else { return .failure(.notADouble(.notANumber)) }
                guard let value = DecimalNumber.double(from: bytes) else { return .failure(.notADouble(.outOfRange)) }
                return .success(value)
            }
            return .double(try result.get())
        case .boolean:
            guard let value = text.withUTF8(parseBoolean) else { throw .notABoolean }
            return .boolean(value)
        case .json:
            let compact: String
            do {
                compact = try CompactJSON.compact(cell)
            } catch {
                throw .notJSON(error)
            }
            guard jsonNumbersInRange(compact) else { throw .jsonNumberOutOfRange }
            return .json(compact)
        }
    }

    /// Whether every number of the (valid) JSON text `compact` is in range (``numbersInRange(_:)``), the rule
    /// every device payload follows too. Only texts holding a digit are parsed again.
    private static func jsonNumbersInRange(_ compact: String) -> Bool {
        guard compact.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return true }
        guard let json = try? JSONParser.parse(compact) else { return true }
        return numbersInRange(json)
    }

    /// ThingsBoard's choice between LONG, DOUBLE and STRING for a cell that is a number.
    /// - Returns: A long or double value, or `nil` if the cell stays a string.
    private static func inferredNumber(_ number: DecimalNumber, bytes: UnsafeBufferPointer<UInt8>) -> AttributeValue? {
        if number.hasLeadingZeros {
            return nil
        }
        if number.strippedScale > 0 || (number.hasPoint && !number.hasExponent) {
            guard number.scale <= 16, let value = DecimalNumber.double(from: bytes) else { return nil }
            return .double(value)
        }
        return number.int64.map { .long($0) }
    }

    /// `true` or `false` in any letter case (Java `equalsIgnoreCase`), else `nil`.
    private static func parseBoolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        func matches(_ word: StaticString) -> Bool {
            guard bytes.count == word.utf8CodeUnitCount else { return false }
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            return zip(bytes, expected).allSatisfy { $0 | 0x20 == $1 }
        }
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }

    /// Whether the cell, trimmed of bytes up to U+0020 (Java `String.trim`), is `{…}` or `[…]`.
    private static func looksLikeJSON(_ cell: String) -> Bool {
        let utf8 = cell.utf8
        guard let first = utf8.firstIndex(where: { $0 > 0x20 }), let last = utf8.lastIndex(where: { $0 > 0x20 }),
            first < last
        else { return false }
        switch (utf8[first], utf8[last]) {
        case (UInt8(ascii: "{"), UInt8(ascii: "}")), (UInt8(ascii: "["), UInt8(ascii: "]")):
            return true
        default:
            return false
        }
    }
}
