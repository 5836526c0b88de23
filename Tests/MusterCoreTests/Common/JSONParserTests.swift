import MusterCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\ud83d\ude00", "c": {}} "#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"] == .string("x\"é😀"))
        #expect(value["c"] == .object([:]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":}", "01", "1.", "\"abc", "{\"a\" 1}", "[1] x", "tru", "\"\\x\"", "\"a\u{01}\""])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParser.Failure.invalidUTF8) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Failure.tooDeep(limit: 64)) { try JSONParser.parse(deep) }
    }

    @Test func serializesSortedAndEscaped() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":"q\"\n"}"#)
        #expect(value.serialized == #"{"a":"q\"\n","b":1}"#)
    }
}
