extension JSONValue: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let long = try? container.decode(Int64.self) {
            self = .number(String(long))
        } else if let double = try? container.decode(Double.self) {
            self = .number(String(double))
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let literal):
            if let long = Int64(literal) {
                try container.encode(long)
            } else if let double = Double(literal), double.isFinite {
                try container.encode(double)
            } else {
                // JSON has no infinity: a number beyond a double (`1e400`) is written as null rather than failing
                // the whole response.
                try container.encodeNil()
            }
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}
