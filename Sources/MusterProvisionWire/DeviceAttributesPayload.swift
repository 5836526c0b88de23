import MusterCore

/// The attribute JSON every device transport (HTTP, MQTT, CoAP) writes, in ThingsBoard's shapes: the flat
/// `{"key":value,…}` of a shared-attribute update, and the `{"client":{…},"shared":{…}}` answer to an attributes
/// request, with a section only when it has keys.
package enum DeviceAttributesPayload {
    /// `{"key":value,…}` in the order given; values keep their type (strings quoted, JSON embedded).
    package static func object(_ attributes: [Attribute]) -> String {
        "{" + attributes.map { JSONValue.quoted($0.key) + ":" + $0.value.jsonLiteral }.joined(separator: ",") + "}"
    }

    /// `{"client":{…},"shared":{…}}`.
    package static func response(client: [Attribute], shared: [Attribute]) -> String {
        var sections: [String] = []
        if !client.isEmpty { sections.append("\"client\":" + object(client)) }
        if !shared.isEmpty { sections.append("\"shared\":" + object(shared)) }
        return "{" + sections.joined(separator: ",") + "}"
    }
}
