import MusterCore
import Testing

/// Malformed input and an error it must raise, whatever the chunking.
struct CSVErrorFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var limits = CSVLimits()
    var expected: CSVError

    init(_ name: String, _ text: String, limits: CSVLimits = .init(), _ expected: CSVError) {
        self.init(name, Array(text.utf8), limits: limits, expected)
    }

    init(_ name: String, _ bytes: [UInt8], limits: CSVLimits = .init(), _ expected: CSVError) {
        self.name = name
        self.bytes = bytes
        self.limits = limits
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("CSVScanner errors")
struct CSVScannerErrorTests {
    static let fixtures: [CSVErrorFixture] = [
        CSVErrorFixture("unterminated quote", "a,b\n1,\"2\n3", .unterminatedQuote(record: 2, line: 2)),
        CSVErrorFixture("unterminated quote after blank lines", "\n\na\n\"x", .unterminatedQuote(record: 2, line: 4)),
        CSVErrorFixture("unterminated quote in a later field", "a,\"b\n\",\"c", .unterminatedQuote(record: 1, line: 2)),
        CSVErrorFixture("lone quote", "\"", .unterminatedQuote(record: 1, line: 1)),
        CSVErrorFixture("escaped quote at end of file", "\"a\"\"", .unterminatedQuote(record: 1, line: 1)),
        CSVErrorFixture(
            "quote inside an unquoted field", "a,b\nab\"c,d\n", .unexpectedQuote(record: 2, line: 2, column: 1)),
        CSVErrorFixture(
            "quote inside a later unquoted field", "x,ab\"", .unexpectedQuote(record: 1, line: 1, column: 2)),
        CSVErrorFixture("space then quote", "a, \"b\"", .unexpectedQuote(record: 1, line: 1, column: 2)),
        CSVErrorFixture(
            "character after closing quote", "\"ab\"c\n", .characterAfterClosingQuote(record: 1, line: 1, column: 1)),
        CSVErrorFixture(
            "character after closing quote and spaces",
            "h\n\na,\"b\"  x",
            .characterAfterClosingQuote(record: 2, line: 3, column: 2)
        ),
        CSVErrorFixture(
            "quote after closing quote and a space",
            "\"a\" \"",
            .characterAfterClosingQuote(record: 1, line: 1, column: 1)
        ),
        CSVErrorFixture(
            "character after a multi-line quoted field",
            "\"a\nb\"c",
            .characterAfterClosingQuote(record: 1, line: 2, column: 1)
        ),
        CSVErrorFixture("lone 0xFF", [0x61, 0x2C, 0xFF, 0x0A], .invalidUTF8(record: 1, line: 1, column: 2)),
        CSVErrorFixture(
            "0xFF after valid multi-byte fields",
            Array("ok,ä,".utf8) + [0xFF] + Array(",x\n".utf8),
            .invalidUTF8(record: 1, line: 1, column: 3)
        ),
        CSVErrorFixture(
            "0xFF on a later line", Array("a,b\n".utf8) + [0xFF], .invalidUTF8(record: 2, line: 2, column: 1)),
        CSVErrorFixture(
            "truncated multi-byte sequence at end of file",
            Array("a,b\nc,".utf8) + [0xC3],
            .invalidUTF8(record: 2, line: 2, column: 2)
        ),
        CSVErrorFixture(
            "truncated 4-byte sequence before a delimiter",
            [0xF0, 0x9F, 0x8C, 0x2C, 0x61],
            .invalidUTF8(record: 1, line: 1, column: 1)
        ),
        CSVErrorFixture("overlong encoding", [0xC0, 0xAF], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture("UTF-16 surrogate", [0xED, 0xA0, 0x80], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture("overlong 3-byte form", [0xE0, 0x80, 0xAF], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture("F5 lead byte", [0xF5, 0x80, 0x80, 0x80], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture("lone continuation byte", [0x61, 0x80], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture(
            "truncated 3-byte sequence before a line end",
            [0xE2, 0x82, 0x0A],
            .invalidUTF8(record: 1, line: 1, column: 1)
        ),
        CSVErrorFixture(
            "invalid UTF-8 in a field starting on a later line of the record",
            Array("x\n\"l1\nl2\",\"a\nb".utf8) + [0xFF] + Array("\"\n".utf8),
            .invalidUTF8(record: 2, line: 3, column: 2)
        ),
        CSVErrorFixture("partial byte order mark", [0xEF, 0xBB], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture(
            "broken byte order mark", [0xEF, 0xBB, 0x41, 0x0A], .invalidUTF8(record: 1, line: 1, column: 1)),
        CSVErrorFixture(
            "field too large",
            "abcd,abcde",
            limits: CSVLimits(maxFieldBytes: 4),
            .fieldTooLarge(record: 1, line: 1, column: 2, limit: 4)
        ),
        CSVErrorFixture(
            "field too large in a complete line",
            "ab\nabcde,x\n",
            limits: CSVLimits(maxFieldBytes: 4),
            .fieldTooLarge(record: 2, line: 2, column: 1, limit: 4)
        ),
        CSVErrorFixture(
            "quoted field too large reports the line where it starts",
            "h\n\"ab\n\ncd\"",
            limits: CSVLimits(maxFieldBytes: 4),
            .fieldTooLarge(record: 2, line: 2, column: 1, limit: 4)
        ),
        CSVErrorFixture(
            "too many fields",
            "a,b,c\nd,e,f,g\n",
            limits: CSVLimits(maxFieldsPerRecord: 3),
            .tooManyFields(record: 2, line: 2, limit: 3)
        ),
        CSVErrorFixture(
            "too many empty fields",
            ",,,",
            limits: CSVLimits(maxFieldsPerRecord: 3),
            .tooManyFields(record: 1, line: 1, limit: 3)
        ),
        CSVErrorFixture(
            "too many fields in a complete line",
            ",,,\n",
            limits: CSVLimits(maxFieldsPerRecord: 3),
            .tooManyFields(record: 1, line: 1, limit: 3)
        ),
        CSVErrorFixture(
            "record too large in a complete line",
            "abc,defg\r\n",
            limits: CSVLimits(maxRecordBytes: 6),
            .recordTooLarge(record: 1, line: 1, limit: 6)
        ),
        CSVErrorFixture(
            "record too large",
            "abc,defg",
            limits: CSVLimits(maxRecordBytes: 6),
            .recordTooLarge(record: 1, line: 1, limit: 6)
        ),
        CSVErrorFixture(
            "multi-line record too large reports the line where it starts",
            "x\n\"a\nb\",cdefgh",
            limits: CSVLimits(maxRecordBytes: 6),
            .recordTooLarge(record: 2, line: 2, limit: 6)
        ),
    ]

    @Test("raises the same error however the input is chunked", arguments: fixtures)
    func fixture(_ fixture: CSVErrorFixture) {
        expectCSVError(fixture.bytes, limits: fixture.limits, fixture.expected)
    }

    @Test("UTF-8 validation agrees with the standard library on random bytes")
    func randomUTF8() throws {
        var generator = SplitMix64(state: 7)
        let interesting: [UInt8] = [
            0x61, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                interesting.randomElement(using: &generator)!
            }
            let isValid = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            do {
                let records = try scanCSV(bytes)
                #expect(isValid, "accepted \(bytes)")
                #expect(records.first?.fields == [String(decoding: bytes, as: UTF8.self)])
            } catch {
                #expect(!isValid, "rejected \(bytes)")
                #expect(error as? CSVError == .invalidUTF8(record: 1, line: 1, column: 1))
            }
        }
    }

    @Test("records up to the limits are accepted")
    func atTheLimits() throws {
        let limits = CSVLimits(maxFieldBytes: 4, maxFieldsPerRecord: 3, maxRecordBytes: 10)
        // `"a""b"""` unquotes to the 4 bytes a"b".
        try expectCSVRecords(
            Array("abcd,\"a\"\"b\"\"\",xy\n,,\nabcd,abcd,xy\nabcd,abcd,xy".utf8),
            limits: limits,
            [
                csvRecord(1, line: 1, "abcd", "a\"b\"", "xy"), csvRecord(2, line: 2, "", "", ""),
                csvRecord(3, line: 3, "abcd", "abcd", "xy"), csvRecord(4, line: 4, "abcd", "abcd", "xy"),
            ]
        )
    }

    @Test("the default limits")
    func defaultLimits() {
        let limits = CSVLimits()
        #expect(limits.maxFieldBytes == 1_048_576)
        #expect(limits.maxFieldsPerRecord == 1024)
        #expect(limits.maxRecordBytes == 4_194_304)
    }

    @Test("a large field fails before the scanner buffers past the limit")
    func largeFieldStream() {
        var scanner = CSVScanner(delimiter: UInt8(ascii: ","), limits: CSVLimits(maxFieldBytes: 1000))
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 400)
        #expect(throws: CSVError.fieldTooLarge(record: 1, line: 1, column: 1, limit: 1000)) {
            for _ in 0..<10 {
                try scanner.feed(chunk) { _ in }
            }
        }
    }

    @Test("after an error, every call rethrows it")
    func errorIsSticky() throws {
        var scanner = CSVScanner(delimiter: UInt8(ascii: ","))
        let error = CSVError.unexpectedQuote(record: 1, line: 1, column: 1)
        #expect(throws: error) { try scanner.feed(Array("a\"".utf8)) { _ in } }
        #expect(throws: error) {
            try scanner.feed(Array("\nb\n".utf8)) { _ in Issue.record("no records after an error") }
        }
        #expect(throws: error) { try scanner.finish { _ in } }
    }

    @Test(
        "descriptions are plain English and name the line",
        arguments: [
            (CSVError.unterminatedQuote(record: 7, line: 7), "line 7: unterminated quoted field"),
            (.unterminatedQuote(record: 5, line: 9), "line 9 (record 5): unterminated quoted field"),
            (.unexpectedQuote(record: 2, line: 2, column: 3), "line 2, column 3: quote inside an unquoted field"),
            (
                .characterAfterClosingQuote(record: 1, line: 1, column: 1),
                "line 1, column 1: unexpected character after a closing quote"
            ),
            (.invalidUTF8(record: 3, line: 4, column: 2), "line 4 (record 3), column 2: field is not valid UTF-8"),
            (
                .fieldTooLarge(record: 2, line: 2, column: 5, limit: 1_048_576),
                "line 2, column 5: field is larger than 1048576 bytes"
            ),
            (.tooManyFields(record: 2, line: 2, limit: 1024), "line 2: record has more than 1024 fields"),
            (.recordTooLarge(record: 2, line: 2, limit: 4_194_304), "line 2: record is larger than 4194304 bytes"),
        ]
    )
    func description(_ error: CSVError, _ expected: String) {
        #expect(error.description == expected)
    }
}
