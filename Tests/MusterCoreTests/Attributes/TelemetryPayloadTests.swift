import MusterCore
import Testing

@Suite struct TelemetryPayloadTests {
    @Test func objectForm() throws {
        let points = try TelemetryPayload.telemetry(Array(#"{"temp":21.5,"count":3,"on":true,"name":"x","cfg":{"a":1},"gone":null}"#.utf8), now: 1000)
        #expect(points.count == 5)
        #expect(points.contains(TimeseriesPoint(key: "temp", ts: 1000, value: .double(21.5))))
        #expect(points.contains(TimeseriesPoint(key: "count", ts: 1000, value: .long(3))))
        #expect(points.contains(TimeseriesPoint(key: "on", ts: 1000, value: .boolean(true))))
        #expect(points.contains(TimeseriesPoint(key: "cfg", ts: 1000, value: .json(#"{"a":1}"#))))
    }

    @Test func arrayAndTimestampForms() throws {
        let points = try TelemetryPayload.telemetry(Array(#"[{"a":1},{"ts":1451649600512,"values":{"b":2.0}}]"#.utf8), now: 7)
        #expect(points == [TimeseriesPoint(key: "a", ts: 7, value: .long(1)), TimeseriesPoint(key: "b", ts: 1451649600512, value: .double(2))])
    }

    @Test func refusesBadPayloads() {
        #expect(throws: TelemetryPayload.Failure.notAnObject) { try TelemetryPayload.telemetry(Array("42".utf8), now: 0) }
        #expect(throws: TelemetryPayload.Failure.invalidTimestamp) {
            try TelemetryPayload.telemetry(Array(#"{"ts":"x","values":{"a":1}}"#.utf8), now: 0)
        }
        #expect(throws: TelemetryPayload.Failure.emptyKey) { try TelemetryPayload.attributes(Array(#"{"":1}"#.utf8)) }
        #expect(throws: TelemetryPayload.Failure.self) { try TelemetryPayload.attributes(Array("{".utf8)) }
    }
}
