extension JSONValue {
    /// The JSON text of an array of strings (how stores keep a job's error lines and created profiles).
    package static func serialized(strings: [String]) -> String {
        JSONValue.array(strings.map { .string($0) }).serialized
    }

    /// The strings of a JSON array of strings, or `nil` when `text` is not one.
    package static func strings(parsing text: String) -> [String]? {
        guard case .array(let items)? = try? JSONParser.parse(text) else { return nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let string) = item else { return nil }
            strings.append(string)
        }
        return strings
    }
}
