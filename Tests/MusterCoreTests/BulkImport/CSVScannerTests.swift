import MusterCore
import Testing

/// A CSV text and the records it must scan to, whatever the chunking.
struct CSVFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var delimiter: UInt8 = UInt8(ascii: ",")
    var expected: [CSVRecord]

    init(_ name: String, _ text: String, delimiter: Character = ",", _ expected: [CSVRecord]) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.delimiter = delimiter.asciiValue!
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("CSVScanner")
struct CSVScannerTests {
    static let fixtures: [CSVFixture] = [
        CSVFixture(
            "LF, trailing newline", "a,b,c\n1,2,3\n",
            [csvRecord(1, line: 1, "a", "b", "c"), csvRecord(2, line: 2, "1", "2", "3")]),
        CSVFixture(
            "no trailing newline", "a,b\n1,2", [csvRecord(1, line: 1, "a", "b"), csvRecord(2, line: 2, "1", "2")]),
        CSVFixture("CRLF", "a,b\r\n1,2\r\n", [csvRecord(1, line: 1, "a", "b"), csvRecord(2, line: 2, "1", "2")]),
        CSVFixture(
            "CRLF, no trailing newline", "a,b\r\n1,2",
            [csvRecord(1, line: 1, "a", "b"), csvRecord(2, line: 2, "1", "2")]),
        CSVFixture("lone CR", "a,b\r1,2\r", [csvRecord(1, line: 1, "a", "b"), csvRecord(2, line: 2, "1", "2")]),
        CSVFixture(
            "mixed line endings",
            "a\r\nb\nc\rd",
            [
                csvRecord(1, line: 1, "a"), csvRecord(2, line: 2, "b"), csvRecord(3, line: 3, "c"),
                csvRecord(4, line: 4, "d"),
            ]
        ),
        CSVFixture(
            "empty lines are skipped and not counted",
            "\n\na,b\n\n\r\n\r1,2\n\n",
            [csvRecord(1, line: 3, "a", "b"), csvRecord(2, line: 7, "1", "2")]
        ),
        CSVFixture("empty input", "", []),
        CSVFixture("only line endings", "\n\r\n\r\r\n\n", []),
        CSVFixture("a line of delimiters is a record", ",,\n", [csvRecord(1, line: 1, "", "", "")]),
        CSVFixture("one delimiter, no newline", ",", [csvRecord(1, line: 1, "", "")]),
        CSVFixture("trailing delimiter at end of file", "a,", [csvRecord(1, line: 1, "a", "")]),
        CSVFixture("a space is not an empty line", " \n", [csvRecord(1, line: 1, " ")]),
        CSVFixture("fields are not trimmed", " a , b \n", [csvRecord(1, line: 1, " a ", " b ")]),
        CSVFixture(
            "quoted fields",
            "\"a,b\",\"c\"\"d\",\"\",\"\"\"\"\n",
            [csvRecord(1, line: 1, "a,b", "c\"d", "", "\"")]
        ),
        CSVFixture("an empty quoted field is a record", "\"\"\n", [csvRecord(1, line: 1, "")]),
        CSVFixture("empty quoted field at end of file", "a,\"\"", [csvRecord(1, line: 1, "a", "")]),
        CSVFixture(
            "quoted line breaks: number vs line",
            "name,notes\n\"Dev 1\",\"one\ntwo\r\nthree\"\nDev 2,x\n",
            [
                csvRecord(1, line: 1, "name", "notes"), csvRecord(2, line: 2, "Dev 1", "one\ntwo\r\nthree"),
                csvRecord(3, line: 5, "Dev 2", "x"),
            ]
        ),
        CSVFixture(
            "quoted lone CR and CR at chunk ends",
            "\"a\rb\"\nc\n\"d\r\"\n\"\r\n\"",
            [
                csvRecord(1, line: 1, "a\rb"), csvRecord(2, line: 3, "c"), csvRecord(3, line: 4, "d\r"),
                csvRecord(4, line: 6, "\r\n"),
            ]
        ),
        CSVFixture("quoted delimiter and quote only", "\",\",\"\"\"\"", [csvRecord(1, line: 1, ",", "\"")]),
        CSVFixture("spaces after a closing quote are ignored", "\"a\" ,\"b\"\t \n", [csvRecord(1, line: 1, "a", "b")]),
        CSVFixture("spaces after a closing quote at end of file", "\"a\"  ", [csvRecord(1, line: 1, "a")]),
        CSVFixture("byte order mark is skipped", "\u{FEFF}a,b\n", [csvRecord(1, line: 1, "a", "b")]),
        CSVFixture("byte order mark before a quote", "\u{FEFF}\"a\"", [csvRecord(1, line: 1, "a")]),
        CSVFixture("byte order mark only", "\u{FEFF}", []),
        CSVFixture("byte order mark then empty lines", "\u{FEFF}\n\nx", [csvRecord(1, line: 3, "x")]),
        CSVFixture(
            "byte order mark later is data", "a,\u{FEFF}b\n\u{FEFF}",
            [csvRecord(1, line: 1, "a", "\u{FEFF}b"), csvRecord(2, line: 2, "\u{FEFF}")]),
        CSVFixture("one byte is a record", "x", [csvRecord(1, line: 1, "x")]),
        CSVFixture(
            "multi-byte UTF-8",
            "Gerät,温度,🌡️\n\"Zähler, Ost\",ü\n",
            [csvRecord(1, line: 1, "Gerät", "温度", "🌡️"), csvRecord(2, line: 2, "Zähler, Ost", "ü")]
        ),
        CSVFixture(
            "semicolon delimiter",
            "a;b,c;\"d;e\"\n",
            delimiter: ";",
            [csvRecord(1, line: 1, "a", "b,c", "d;e")]
        ),
        CSVFixture("pipe delimiter", "a|b,c|\"d|e\"\n", delimiter: "|", [csvRecord(1, line: 1, "a", "b,c", "d|e")]),
        CSVFixture(
            "tab delimiter",
            "a\tb c\t\"d\te\"\n\"x\"\t\ty\n",
            delimiter: "\t",
            [csvRecord(1, line: 1, "a", "b c", "d\te"), csvRecord(2, line: 2, "x", "", "y")]
        ),
        CSVFixture(
            "ThingsBoard request example",
            "NAME,TYPE,DATA\nDevice 1,thermostat,42\n",
            [csvRecord(1, line: 1, "NAME", "TYPE", "DATA"), csvRecord(2, line: 2, "Device 1", "thermostat", "42")]
        ),
        CSVFixture(
            "JSON cell",
            "name,config\nd1,\"{\"\"threshold\"\":45}\"\n",
            [csvRecord(1, line: 1, "name", "config"), csvRecord(2, line: 2, "d1", "{\"threshold\":45}")]
        ),
    ]

    @Test("scans the same records however the input is chunked", arguments: fixtures)
    func fixture(_ fixture: CSVFixture) throws {
        try expectCSVRecords(fixture.bytes, delimiter: fixture.delimiter, fixture.expected)
    }

    @Test("every Unicode scalar's UTF-8 boundary cases are accepted")
    func validUTF8Boundaries() throws {
        let scalars: [Unicode.Scalar] = [
            "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{FFFF}",
            "\u{10000}", "\u{10FFFF}",
        ]
        let text = scalars.map { String($0) }.joined(separator: ",") + "\n"
        try expectCSVRecords(Array(text.utf8), [CSVRecord(number: 1, line: 1, fields: scalars.map { String($0) })])
    }

    @Test("every single-byte delimiter other than quote, CR and LF works")
    func everyDelimiter() throws {
        for delimiter in UInt8(0)..<0x80 where CSVScanner.isValidDelimiter(delimiter) {
            // Given fields made of a letter that is never the delimiter.
            let letter = delimiter == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            let bytes = [letter, delimiter, UInt8(ascii: "\""), delimiter, UInt8(ascii: "\""), delimiter, letter, 0x0A]
            // Then the quoted delimiter is data and the others separate fields.
            let expected = [
                CSVRecord(
                    number: 1,
                    line: 1,
                    fields: [
                        String(decoding: [letter], as: UTF8.self), String(decoding: [delimiter], as: UTF8.self),
                        String(decoding: [letter], as: UTF8.self),
                    ]
                )
            ]
            #expect(try scanCSV(bytes, delimiter: delimiter) == expected, "delimiter \(delimiter)")
        }
    }

    @Test("isValidDelimiter rejects quote, CR, LF and non-ASCII bytes")
    func invalidDelimiters() {
        for byte in [UInt8(ascii: "\""), 0x0D, 0x0A, 0x80, 0xFF] {
            #expect(!CSVScanner.isValidDelimiter(byte))
        }
        for byte in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "\t")] {
            #expect(CSVScanner.isValidDelimiter(byte))
        }
    }

    @Test("a collection without contiguous storage is scanned too")
    func nonContiguousChunk() throws {
        var scanner = CSVScanner(delimiter: UInt8(ascii: ","))
        var records: [CSVRecord] = []
        try scanner.feed(Array("a,\"b\nc\"\n1,2".utf8).lazy.map { $0 }) { records.append($0) }
        try scanner.finish { records.append($0) }
        #expect(records == [csvRecord(1, line: 1, "a", "b\nc"), csvRecord(2, line: 3, "1", "2")])
    }

    @Test("records arrive as soon as their line ends")
    func streaming() throws {
        var scanner = CSVScanner(delimiter: UInt8(ascii: ","))
        var records: [CSVRecord] = []
        try scanner.feed(Array("a,b\n1,".utf8)) { records.append($0) }
        #expect(records == [csvRecord(1, line: 1, "a", "b")])
        try scanner.feed(Array("2\r".utf8)) { records.append($0) }
        #expect(records.count == 2)
        // A CR may be followed by an LF in the next chunk; that LF is not another line.
        try scanner.feed(Array("\n3,4".utf8)) { records.append($0) }
        try scanner.finish { records.append($0) }
        #expect(
            records == [
                csvRecord(1, line: 1, "a", "b"), csvRecord(2, line: 2, "1", "2"), csvRecord(3, line: 3, "3", "4"),
            ])
    }

    @Test("an error thrown by onRecord propagates")
    func callbackError() {
        struct Stop: Error, Equatable {}
        var scanner = CSVScanner(delimiter: UInt8(ascii: ","))
        var seen = 0
        #expect(throws: Stop()) {
            try scanner.feed(Array("a\nb\nc\n".utf8)) { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }
        }
        #expect(seen == 2)
    }

    @Test("random records round-trip through quoting and random chunking", arguments: 0..<20)
    func roundTrip(seed: UInt64) throws {
        var generator = SplitMix64(state: seed)
        let alphabet: [String] = ["a", "Z", "0", " ", ",", ";", "\"", "\n", "\r", "\r\n", "ä", "温", "🌡️", "\t"]
        let lineEndings = ["\n", "\r\n", "\r"]
        var text = ""
        var expected: [CSVRecord] = []
        for number in 1...Int.random(in: 1...30, using: &generator) {
            var fields: [String] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                fields.append(
                    (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)!
                    }.joined())
            }
            expected.append(CSVRecord(number: number, line: 1 + Self.lineBreaks(in: text), fields: fields))
            let needsQuotes: (String) -> Bool = { field in
                field.isEmpty || field.unicodeScalars.contains { ",\"\r\n".unicodeScalars.contains($0) }
            }
            text += fields.map { needsQuotes($0) ? "\"" + $0.replacing("\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",")
            text += lineEndings.randomElement(using: &generator)!
            // Sometimes a blank line, which is skipped and not counted.
            if Int.random(in: 0..<5, using: &generator) == 0 {
                text += lineEndings.randomElement(using: &generator)!
            }
        }
        let bytes = Array(text.utf8)
        for _ in 0..<10 {
            var sizes: [Int] = []
            var total = 0
            while total < bytes.count {
                let size = Int.random(in: 1...50, using: &generator)
                sizes.append(size)
                total += size
            }
            #expect(try scanCSV(bytes, chunkSizes: sizes) == expected)
        }
    }

    private static func lineBreaks(in text: String) -> Int {
        var count = 0
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0D || (byte == 0x0A && !previousWasCR) { count += 1 }
            previousWasCR = byte == 0x0D
        }
        return count
    }
}
