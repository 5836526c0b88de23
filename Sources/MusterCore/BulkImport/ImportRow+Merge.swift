extension ImportRow {
    /// The `additionalInfo` JSON text the row writes, decided here for every store (the merge rule of
    /// ``ImportStore/applyImport(_:)``): `stored` parsed as a JSON object (anything else, or `nil` for a new entity,
    /// counts as `{}`), with the row's `description` (a string) and `gateway` (a boolean) set and every other member
    /// kept.
    /// - Parameter stored: The entity's stored `additionalInfo` text, or `nil` for an entity the row creates.
    /// - Returns: The text to store, or `nil` when the row has neither cell: a new entity then has no additional
    ///   info, and an existing one keeps its stored text unchanged.
    package func additionalInfo(merging stored: String?) -> String? {
        guard description != nil || gateway != nil else { return nil }
        var members: [String: JSONValue] = [:]
        if let stored, case .object(let existing)? = try? JSONParser.parse(stored) { members = existing }
        if let description { members["description"] = .string(description) }
        if let gateway { members["gateway"] = .bool(gateway) }
        return JSONValue.object(members).serialized
    }
}
