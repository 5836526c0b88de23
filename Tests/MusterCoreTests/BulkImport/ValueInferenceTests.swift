import MusterCore
import Testing

@Suite("AttributeValue inference and conversion")
struct ValueInferenceTests {
    @Test(
        "infers numbers as ThingsBoard does, keeping leading zeros as text",
        arguments: [
            ("42", AttributeValue.long(42)),
            ("-12", .long(-12)),
            ("+5", .long(5)),  // commons-lang3 isCreatable and BigDecimal accept a leading +.
            ("0", .long(0)),
            ("-0", .long(0)),
            ("9223372036854775807", .long(.max)),
            ("-9223372036854775808", .long(.min)),
            ("9223372036854775808", .string("9223372036854775808")),
            ("99999999999999999999", .string("99999999999999999999")),
            ("1.0", .double(1.0)),
            ("1,5", .double(1.5)),
            ("-0.5", .double(-0.5)),
            ("0.5", .double(0.5)),
            (".5", .double(0.5)),
            ("5.", .double(5.0)),
            ("-0.0", .double(0)),
            ("21.5", .double(21.5)),
            ("1,000", .double(1.0)),  // As in ThingsBoard: `,` is always a decimal point.
            ("1,000,000", .string("1,000,000")),
            ("1e3", .long(1000)),
            ("1E3", .long(1000)),
            ("1e+3", .long(1000)),
            // BigDecimal("1.5e3") is 1.5E+3: no fractional part, and `.` comes with an exponent, so LONG.
            ("1.5e3", .long(1500)),
            ("100e-2", .long(1)),
            ("1.55e1", .double(15.5)),
            ("1e-3", .double(0.001)),
            ("1.5e-1", .double(0.15)),
            ("1e19", .string("1e19")),
            ("1e2147483648", .string("1e2147483648")),
            ("0.1234567890123456", .double(0.1234567890123456)),  // scale 16
            ("0.12345678901234567", .string("0.12345678901234567")),  // scale 17
            ("1.00000000000000000", .string("1.00000000000000000")),
            ("1.5e-20", .string("1.5e-20")),
            ("007", .string("007")),
            ("00123", .string("00123")),
            ("-007", .string("-007")),
            ("00", .string("00")),
            ("08", .string("08")),
            ("00.5", .string("00.5")),
            ("0e5", .long(0)),
            ("0x1F", .string("0x1F")),
            ("1L", .string("1L")),
            ("1f", .string("1f")),
            ("1d", .string("1d")),
            (" 42", .string(" 42")),
            ("42 ", .string("42 ")),
            ("1e", .string("1e")),
            ("e3", .string("e3")),
            (".", .string(".")),
            ("-", .string("-")),
            ("+", .string("+")),
            ("1.2.3", .string("1.2.3")),
            ("--1", .string("--1")),
            ("١٢", .string("١٢")),
            ("NaN", .string("NaN")),
            ("Infinity", .string("Infinity")),
        ]
    )
    func numbers(_ cell: String, _ expected: AttributeValue) {
        #expect(AttributeValue.inferred(fromCell: cell) == expected)
    }

    @Test("a decimal too large for a double stays a string")
    func hugeDecimal() throws {
        let cell = String(repeating: "9", count: 400) + ".5"
        #expect(AttributeValue.inferred(fromCell: cell) == .string(cell))
        #expect(throws: ValueConversionError.notADouble(.outOfRange)) {
            try AttributeValue.converted(fromCell: cell, to: .double)
        }
        #expect(throws: ValueConversionError.notALong(.fractional)) {
            try AttributeValue.converted(fromCell: cell, to: .long)
        }
        let integer = String(repeating: "9", count: 400)
        #expect(AttributeValue.inferred(fromCell: integer) == .string(integer))
        #expect(throws: ValueConversionError.notALong(.outOfRange)) {
            try AttributeValue.converted(fromCell: integer, to: .long)
        }
        #expect(throws: ValueConversionError.notADouble(.outOfRange)) {
            try AttributeValue.converted(fromCell: integer, to: .double)
        }
        let smaller = String(repeating: "9", count: 300)
        #expect(try AttributeValue.converted(fromCell: smaller, to: .double) == .double(1e300))
    }

    @Test(
        "infers booleans, JSON and strings",
        arguments: [
            ("true", AttributeValue.boolean(true)),
            ("FALSE", .boolean(false)),
            ("True", .boolean(true)),
            ("fAlSe", .boolean(false)),
            ("yes", .string("yes")),
            (" true", .string(" true")),
            ("truee", .string("truee")),
            ("{\"threshold\":45}", .json("{\"threshold\":45}")),
            ("[1, 2]", .json("[1,2]")),
            (" { \"a\" : [ true , null , \"x y\" ] } ", .json("{\"a\":[true,null,\"x y\"]}")),
            ("[]", .json("[]")),
            ("{}", .json("{}")),
            ("{bad", .string("{bad")),
            ("{bad}", .string("{bad}")),
            ("[1,]", .string("[1,]")),
            ("{\"a\":1} {\"b\":2}", .string("{\"a\":1} {\"b\":2}")),
            ("\"text\"", .string("\"text\"")),
            ("", .string("")),
            ("Room 1", .string("Room 1")),
            ("fw-1.0.3", .string("fw-1.0.3")),
        ]
    )
    func others(_ cell: String, _ expected: AttributeValue) {
        #expect(AttributeValue.inferred(fromCell: cell) == expected)
    }

    @Test(
        "converts cells to an explicit type",
        arguments: [
            ("007", ImportValueType.string, AttributeValue.string("007")),
            (" 42 ", .string, .string(" 42 ")),
            ("true", .string, .string("true")),
            ("42", .long, .long(42)),
            ("007", .long, .long(7)),
            ("-007", .long, .long(-7)),
            ("1e3", .long, .long(1000)),
            ("2.0", .long, .long(2)),
            ("-9223372036854775808", .long, .long(.min)),
            ("42", .double, .double(42)),
            ("007.5", .double, .double(7.5)),
            ("1,5", .double, .double(1.5)),
            ("0.12345678901234567890", .double, .double(0.12345678901234567890)),
            ("1e300", .double, .double(1e300)),
            ("TRUE", .boolean, .boolean(true)),
            ("false", .boolean, .boolean(false)),
            ("{\"threshold\": 45}", .json, .json("{\"threshold\":45}")),
            (" [ 1 ,2 ] ", .json, .json("[1,2]")),
        ]
    )
    func conversions(_ cell: String, _ type: ImportValueType, _ expected: AttributeValue) throws {
        #expect(try AttributeValue.converted(fromCell: cell, to: type) == expected)
    }

    @Test(
        "explicit conversions fail with a specific error",
        arguments: [
            ("abc", ImportValueType.long, ValueConversionError.notALong(.notANumber)),
            ("", .long, .notALong(.notANumber)),
            (" 42", .long, .notALong(.notANumber)),
            ("0x1F", .long, .notALong(.notANumber)),
            ("1.5", .long, .notALong(.fractional)),
            ("1e-1", .long, .notALong(.fractional)),
            ("9223372036854775808", .long, .notALong(.outOfRange)),
            ("1e19", .long, .notALong(.outOfRange)),
            ("abc", .double, .notADouble(.notANumber)),
            ("1.2.3", .double, .notADouble(.notANumber)),
            ("NaN", .double, .notADouble(.notANumber)),
            ("1e400", .double, .notADouble(.outOfRange)),
            ("yes", .boolean, .notABoolean),
            ("1", .boolean, .notABoolean),
            ("", .boolean, .notABoolean),
            ("{bad", .json, .notJSON(.unexpectedCharacter(offset: 1))),
            ("42", .json, .notJSON(.notAnObjectOrArray)),
            ("\"text\"", .json, .notJSON(.notAnObjectOrArray)),
            ("", .json, .notJSON(.unexpectedEnd)),
        ]
    )
    func conversionErrors(_ cell: String, _ type: ImportValueType, _ expected: ValueConversionError) {
        #expect(throws: expected) {
            try AttributeValue.converted(fromCell: cell, to: type)
        }
    }

    @Test("ImportValueType uses ThingsBoard's upper-case names")
    func valueTypeNames() {
        #expect(ImportValueType.allCases.map(\.rawValue) == ["STRING", "LONG", "DOUBLE", "BOOLEAN", "JSON"])
    }

    @Test(
        "conversion errors describe the problem without the cell",
        arguments: [
            (ValueConversionError.notALong(.notANumber), "expected a whole number (LONG)"),
            (.notALong(.fractional), "expected a whole number (LONG), but the number has a fractional part"),
            (.notALong(.outOfRange), "the number does not fit in a 64-bit integer (LONG)"),
            (.notADouble(.notANumber), "expected a number (DOUBLE)"),
            (.notADouble(.outOfRange), "the number is too large for a DOUBLE"),
            (.notABoolean, "expected true or false (BOOLEAN)"),
            (
                .notJSON(.unexpectedCharacter(offset: 4)),
                "expected a JSON object or array (JSON): unexpected character at byte 5"
            ),
        ]
    )
    func descriptions(_ error: ValueConversionError, _ expected: String) {
        #expect(error.description == expected)
    }
}
