/// Reads a telemetry or attributes payload sent by a device or an admin.
package enum TelemetryPayload {
    /// Why a payload was refused.
    package enum Failure: Error, Equatable, Sendable {
        case invalidJSON(JSONParser.Failure)
        case notAnObject
        case invalidTimestamp
        case emptyKey
        case keyTooLong(limit: Int)
        /// A number that is neither a finite double nor, when written without fraction or exponent, a 64-bit
        /// long (`1e400`, `-1e999`, `99999999999999999999`); `key` is the top-level key holding it.
        case numberOutOfRange(key: String)
    }

    /// The longest key accepted.
    package static let maxKeyLength = 255

    /// Parses telemetry in the three forms ThingsBoard accepts: `{k:v}`, `[{k:v}, …]` and
    /// `{"ts": …, "values": {k:v}}` (also inside an array). Samples without `ts` get `now`.
    ///
    /// The value rules, the same for HTTP, MQTT, CoAP and the admin REST API:
    /// - a key whose value is JSON `null` is ignored (nothing is stored or deleted for it), as ThingsBoard does;
    /// - a number must be a finite double, or a 64-bit long when written without fraction or exponent; any other
    ///   number (also inside a JSON object or array value) refuses the whole payload with
    ///   ``Failure/numberOutOfRange(key:)``, so a stored value can always be read back.
    package static func telemetry(_ body: some Collection<UInt8>, now: Int64) throws(Failure) -> [TimeseriesPoint] {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw .invalidJSON(error) }
        var points: [TimeseriesPoint] = []
        switch json {
        case .array(let items):
            for item in items { try appendSamples(of: item, now: now, to: &points) }
        default:
            try appendSamples(of: json, now: now, to: &points)
        }
        return points
    }

    private static func appendSamples(of json: JSONValue, now: Int64, to points: inout [TimeseriesPoint]) throws(Failure) {
        guard case .object(let members) = json else { throw .notAnObject }
        if let tsValue = members["ts"], let values = members["values"], members.count == 2 {
            guard case .number(let literal) = tsValue, let ts = Int64(literal) else { throw .invalidTimestamp }
            guard case .object(let samples) = values else { throw .notAnObject }
            for (key, value) in try typed(samples) { points.append(TimeseriesPoint(key: key, ts: ts, value: value)) }
        } else {
            for (key, value) in try typed(members) { points.append(TimeseriesPoint(key: key, ts: now, value: value)) }
        }
    }

    /// Parses an attributes object `{k:v}` into typed values, with the value rules of ``telemetry(_:now:)``.
    package static func attributes(_ body: some Collection<UInt8>) throws(Failure) -> [(String, AttributeValue)] {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw .invalidJSON(error) }
        guard case .object(let members) = json else { throw .notAnObject }
        return try typed(members)
    }

    private static func typed(_ members: [String: JSONValue]) throws(Failure) -> [(String, AttributeValue)] {
        var result: [(String, AttributeValue)] = []
        result.reserveCapacity(members.count)
        for key in members.keys.sorted() {
            guard !key.isEmpty else { throw .emptyKey }
            guard key.utf8.count <= maxKeyLength else { throw .keyTooLong(limit: maxKeyLength) }
            let json = members[key]!
            guard AttributeValue.numbersInRange(json) else { throw .numberOutOfRange(key: key) }
            if let value = AttributeValue(json: json) { result.append((key, value)) }
        }
        return result
    }
}
