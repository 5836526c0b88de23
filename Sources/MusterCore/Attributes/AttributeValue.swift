/// A typed key-value value, as ThingsBoard stores attributes and telemetry.
package enum AttributeValue: Sendable, Hashable {
    case string(String)
    case long(Int64)
    case double(Double)
    case boolean(Bool)
    /// A JSON object or array, kept as its compact text.
    case json(String)
}

extension AttributeValue {
    /// The value as ThingsBoard prints it when strict data types are off (`getValueAsString`).
    package var textValue: String {
        switch self {
        case .string(let text): return text
        case .long(let number): return String(number)
        case .double(let number): return AttributeValue.format(number)
        case .boolean(let flag): return flag ? "true" : "false"
        case .json(let text): return text
        }
    }

    /// The value as a JSON literal (strings quoted, JSON embedded as is).
    package var jsonLiteral: String {
        switch self {
        case .string(let text): return JSONValue.quoted(text)
        case .long(let number): return String(number)
        case .double(let number): return number.isFinite ? AttributeValue.format(number) : "null"
        case .boolean(let flag): return flag ? "true" : "false"
        case .json(let text): return text
        }
    }

    /// Maps a JSON value from a device or REST payload to a typed value, as ThingsBoard's JSON converter does:
    /// integral numbers become longs, numbers with a fraction or exponent doubles, objects and arrays JSON.
    /// Returns `nil` for JSON `null`.
    package init?(json: JSONValue) {
        switch json {
        case .null: return nil
        case .bool(let flag): self = .boolean(flag)
        case .string(let text): self = .string(text)
        case .number(let literal):
            if !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let long = Int64(literal) {
                self = .long(long)
            } else if let double = Double(literal) {
                self = .double(double)
            } else {
                self = .string(literal)
            }
        case .array, .object: self = .json(json.serialized)
        }
    }

    /// Whether every number in `json` (recursively) is a finite double and, when written as a plain integer
    /// (no `.`, `e` or `E`), fits in a 64-bit long.
    package static func numbersInRange(_ json: JSONValue) -> Bool {
        switch json {
        case .null, .bool, .string: return true
        case .number(let literal): return numberInRange(literal)
        case .array(let items): return items.allSatisfy(numbersInRange)
        case .object(let members): return members.values.allSatisfy(numbersInRange)
        }
    }

    /// Whether the JSON number `literal` is a long (plain integer in range) or a finite double.
    package static func numberInRange(_ literal: String) -> Bool {
        if !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return Int64(literal) != nil }
        return Double(literal)?.isFinite ?? false
    }

    /// The value as a JSON tree for strict-type reads: strings quoted, longs as integers, doubles with their
    /// fraction (`1.0` stays `1.0`), JSON embedded. A double that is not finite (stored before the number rule
    /// existed) reads as `null`, so that a stored value never makes a read fail.
    package var jsonValue: JSONValue {
        switch self {
        case .string(let text): return .string(text)
        case .long(let number): return .number(String(number))
        case .double(let number): return number.isFinite ? .number(AttributeValue.format(number)) : .null
        case .boolean(let flag): return .bool(flag)
        case .json(let text): return (try? JSONParser.parse(text)) ?? .string(text)
        }
    }

    private static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) + ".0" }
        return String(number)
    }
}

/// The three attribute scopes of ThingsBoard.
package enum AttributeScope: String, Sendable, CaseIterable, Codable {
    case client = "CLIENT_SCOPE"
    case server = "SERVER_SCOPE"
    case shared = "SHARED_SCOPE"
}

/// One stored attribute.
package struct Attribute: Sendable, Hashable {
    package var key: String
    package var value: AttributeValue
    package var lastUpdateTs: Int64

    package init(key: String, value: AttributeValue, lastUpdateTs: Int64) {
        self.key = key
        self.value = value
        self.lastUpdateTs = lastUpdateTs
    }
}

/// One time-series sample.
package struct TimeseriesPoint: Sendable, Hashable {
    package var key: String
    package var ts: Int64
    package var value: AttributeValue

    package init(key: String, ts: Int64, value: AttributeValue) {
        self.key = key
        self.ts = ts
        self.value = value
    }
}

/// Well-known attribute names.
package enum WellKnownAttribute {
    /// The server attribute provisioning writes (`provisionState`).
    package static let provisionState = "provisionState"
    /// Its value once a device is provisioned.
    package static let provisioned = "provisioned"
}
