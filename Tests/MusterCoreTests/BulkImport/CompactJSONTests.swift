import MusterCore
import Testing

@Suite("CompactJSON")
struct CompactJSONTests {
    @Test(
        "compacts valid objects and arrays, keeping strings and numbers verbatim",
        arguments: [
            ("{}", "{}"),
            ("[]", "[]"),
            (" \t\r\n[ 1 , 2 ]\n", "[1,2]"),
            ("{ \"a\" : 1 , \"b\" : [ ] }", "{\"a\":1,\"b\":[]}"),
            (
                "[\"a b\", \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e4 \\uD83C\\uDF21\"]",
                "[\"a b\",\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e4 \\uD83C\\uDF21\"]"
            ),
            ("[\"Gerät 🌡️\"]", "[\"Gerät 🌡️\"]"),
            ("[0, -0, 1.5, -1.5e10, 2E-3, 1e+2, 123]", "[0,-0,1.5,-1.5e10,2E-3,1e+2,123]"),
            ("[true, false, null]", "[true,false,null]"),
            ("{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}"),
            ("[[[[{\"deep\":[{}]}]]]]", "[[[[{\"deep\":[{}]}]]]]"),
        ]
    )
    func valid(_ text: String, _ expected: String) throws {
        #expect(try CompactJSON.compact(text) == expected)
    }

    @Test(
        "rejects invalid JSON with a specific error",
        arguments: [
            ("", JSONSyntaxError.unexpectedEnd),
            ("   ", .unexpectedEnd),
            ("{", .unexpectedEnd),
            ("[1,", .unexpectedEnd),
            ("[\"abc", .unexpectedEnd),
            ("42", .notAnObjectOrArray),
            ("\"s\"", .notAnObjectOrArray),
            ("null", .notAnObjectOrArray),
            ("{bad}", .unexpectedCharacter(offset: 1)),
            ("{'a':1}", .unexpectedCharacter(offset: 1)),
            ("[1,]", .unexpectedCharacter(offset: 3)),
            ("[1 2]", .unexpectedCharacter(offset: 3)),
            ("{\"a\" 1}", .unexpectedCharacter(offset: 5)),
            ("{\"a\":1,}", .unexpectedCharacter(offset: 7)),
            ("[tru]", .unexpectedCharacter(offset: 4)),
            ("[True]", .unexpectedCharacter(offset: 1)),
            ("[NaN]", .unexpectedCharacter(offset: 1)),
            ("[01]", .unexpectedCharacter(offset: 2)),
            ("[-]", .invalidNumber(offset: 1)),
            ("[1.]", .invalidNumber(offset: 1)),
            ("[.5]", .unexpectedCharacter(offset: 1)),
            ("[1e]", .invalidNumber(offset: 1)),
            ("[+1]", .unexpectedCharacter(offset: 1)),
            ("[\"\\x\"]", .invalidEscape(offset: 3)),
            ("[\"\\u12G4\"]", .invalidEscape(offset: 6)),
            ("[\"a\tb\"]", .controlCharacterInString(offset: 3)),
            ("[\"a\nb\"]", .controlCharacterInString(offset: 3)),
            ("[] []", .trailingCharacters(offset: 3)),
            ("{} x", .trailingCharacters(offset: 3)),
            ("[1]]", .trailingCharacters(offset: 3)),
            ("\u{1}[]", .notAnObjectOrArray),
        ]
    )
    func invalid(_ text: String, _ expected: JSONSyntaxError) {
        #expect(throws: expected) {
            try CompactJSON.compact(text)
        }
    }

    @Test("nesting deeper than 64 levels is refused")
    func depthLimit() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try CompactJSON.compact(deepest) == deepest)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONSyntaxError.tooDeep(offset: 64, limit: 64)) {
            try CompactJSON.compact(tooDeep)
        }
        let deepObject = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONSyntaxError.tooDeep(offset: 64 * 5, limit: 64)) {
            try CompactJSON.compact(deepObject)
        }
    }
}
