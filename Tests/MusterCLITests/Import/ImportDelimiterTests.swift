import MusterCore
import Testing

/// `--delimiter` parsing (`Sources/muster/Import/ImportDelimiter.swift`), through `--print-mapping`.
@Suite struct ImportDelimiterTests {
    @Test(arguments: [(",", ","), (";", ";"), ("|", "|"), ("tab", "\t"), ("TAB", "\t"), ("\\t", "\t"), ("\t", "\t")])
    func acceptedDelimiter(option: String, expected: String) async throws {
        let result = try await MusterCommandRunner.run(
            [
                "import", "x.csv", "--entity", "device", "--columns", "name,type", "--delimiter", option,
                "--print-mapping",
            ]
        )
        #expect(result.status == 0, "\(result)")
        #expect(try JSONParser.parse(Array(result.stdout.utf8))["delimiter"]?.stringValue == expected, "\(result)")
    }

    @Test func defaultIsComma() async throws {
        let result = try await MusterCommandRunner.run(
            ["import", "x.csv", "--entity", "device", "--columns", "name,type", "--print-mapping"]
        )
        #expect(try JSONParser.parse(Array(result.stdout.utf8))["delimiter"]?.stringValue == ",", "\(result)")
    }

    @Test(arguments: [":", ";;", "space", "\""])
    func refusedDelimiter(option: String) async throws {
        let result = try await MusterCommandRunner.run(
            [
                "import", "x.csv", "--entity", "device", "--columns", "name,type", "--delimiter=\(option)",
                "--print-mapping",
            ]
        )
        #expect(result.status == 64, "\(result)")
        #expect(
            result.stderr.contains("--delimiter: '\(option)' is not supported; use ',' ';' '|' or 'tab'"), "\(result)")
    }
}
