import MusterCore

extension FuzzTarget {
    /// The device payload reader behind telemetry and attributes over HTTP, MQTT and CoAP (and the admin's telemetry
    /// API): JSON into typed key-value points. Invariant: whatever is accepted has keys of 1 to 255 bytes, finite
    /// doubles, and values whose JSON literal parses back.
    static func telemetryPayloads(_ bytes: UnsafeBufferPointer<UInt8>) {
        var values: [(String, AttributeValue)] = []
        if let points = try? TelemetryPayload.telemetry(bytes, now: 1_700_000_000_000) {
            values += points.map { ($0.key, $0.value) }
        }
        if let attributes = try? TelemetryPayload.attributes(bytes) { values += attributes }
        for (key, value) in values {
            guard !key.isEmpty, key.utf8.count <= TelemetryPayload.maxKeyLength else {
                fatalError("an accepted key of \(key.utf8.count) bytes")
            }
            if case .double(let number) = value, !number.isFinite { fatalError("an accepted non-finite double") }
            guard (try? JSONParser.parse(Array(value.jsonLiteral.utf8), maxDepth: 64)) != nil else {
                fatalError("an accepted value's JSON literal does not parse: \(value.jsonLiteral)")
            }
        }
    }
}
