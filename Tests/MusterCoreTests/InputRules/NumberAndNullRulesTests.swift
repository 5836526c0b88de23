import Foundation
import MusterCore
import Testing

/// Issue 20, "inputs that break or mislead": the value rules every transport shares.
@Suite struct NumberAndNullRulesTests {
    @Test(arguments: [#"{"huge":1e400}"#, #"{"huge":1e309}"#, #"{"huge":-1e999}"#, #"{"huge":99999999999999999999}"#,
                      #"{"huge":{"nested":[1,2e400]}}"#])
    func outOfRangeNumbersRefuseTheWholePayload(_ body: String) {
        #expect(throws: TelemetryPayload.Failure.numberOutOfRange(key: "huge")) {
            try TelemetryPayload.telemetry(Array(body.utf8), now: 1)
        }
        #expect(throws: TelemetryPayload.Failure.numberOutOfRange(key: "huge")) { try TelemetryPayload.attributes(Array(body.utf8)) }
    }

    @Test func numbersAtTheEdgesAreKept() throws {
        let body = #"{"max":9223372036854775807,"min":-9223372036854775808,"big":1.7976931348623157e308,"tiny":1e-400}"#
        let values = Dictionary(uniqueKeysWithValues: try TelemetryPayload.attributes(Array(body.utf8)))
        #expect(values["max"] == .long(.max))
        #expect(values["min"] == .long(.min))
        #expect(values["big"] == .double(.greatestFiniteMagnitude))
        #expect(values["tiny"] == .double(0))
    }

    @Test func aDoubleStaysADoubleWhenRead() throws {
        let values = try TelemetryPayload.attributes(Array(#"{"flt":1.0,"int":1}"#.utf8))
        #expect(values.map(\.1) == [.double(1.0), .long(1)])
        #expect(AttributeValue.double(1.0).jsonValue.serialized == "1.0")
        #expect(AttributeValue.double(-2.5).jsonValue.serialized == "-2.5")
        #expect(AttributeValue.long(1).jsonValue.serialized == "1")
        #expect(AttributeValue.double(1.0).textValue == "1.0")
    }

    @Test func aStoredNonFiniteDoubleReadsAsNull() {
        #expect(AttributeValue.double(.infinity).jsonValue == .null)
        #expect(AttributeValue.double(-.infinity).jsonValue == .null)
        #expect(AttributeValue.double(.nan).jsonValue == .null)
        #expect(AttributeValue.double(.infinity).jsonLiteral == "null")
    }

    @Test func encodingANumberBeyondADoubleWritesNullInsteadOfFailing() throws {
        let tree = JSONValue.object(["huge": .number("1e400"), "ok": .number("2.5")])
        let text = String(decoding: try JSONEncoder().encode(tree), as: UTF8.self)
        #expect(try JSONParser.parse(text) == .object(["huge": .null, "ok": .number("2.5")]))
    }

    @Test func nullValuesAreIgnoredAndTheRestIsKept() throws {
        let points = try TelemetryPayload.telemetry(Array(#"{"nul":null,"a":2}"#.utf8), now: 5)
        #expect(points == [TimeseriesPoint(key: "a", ts: 5, value: .long(2))])
        #expect(try TelemetryPayload.attributes(Array(#"{"nul":null}"#.utf8)).isEmpty)
    }

    @Test func importCellsFollowTheSameNumberRule() {
        #expect(AttributeValue.inferred(fromCell: "1e400") == .string("1e400"))
        #expect(AttributeValue.inferred(fromCell: #"{"a":1e400}"#) == .string(#"{"a":1e400}"#))
        #expect(AttributeValue.inferred(fromCell: #"{"a":1.5}"#) == .json(#"{"a":1.5}"#))
        #expect(throws: ValueConversionError.jsonNumberOutOfRange) {
            try AttributeValue.converted(fromCell: #"{"a":-1e999}"#, to: .json)
        }
        #expect(throws: ValueConversionError.notADouble(.outOfRange)) { try AttributeValue.converted(fromCell: "1e400", to: .double) }
    }
}
