/// The topics Muster serves (ThingsBoard's `MqttTopics`), and topic-filter matching.
package enum MQTTTopic {
    /// The user name or client id that opens a provisioning session.
    package static let provisionIdentity = "provision"
    package static let provisionRequest = "/provision/request"
    package static let provisionResponse = "/provision/response"

    package static let telemetry = "v1/devices/me/telemetry"
    package static let attributes = "v1/devices/me/attributes"
    package static let attributesRequestPrefix = "v1/devices/me/attributes/request/"
    package static let attributesResponsePrefix = "v1/devices/me/attributes/response/"
    package static let rpcRequestPrefix = "v1/devices/me/rpc/request/"
    package static let rpcResponsePrefix = "v1/devices/me/rpc/response/"

    /// The filters a device session may subscribe to (as ThingsBoard's device session accepts them).
    package static let deviceFilters: Set<String> = [
        attributes, attributesResponsePrefix + "+", rpcRequestPrefix + "+", rpcResponsePrefix + "+",
    ]

    /// Whether a topic name contains a wildcard, which PUBLISH may not carry.
    package static func hasWildcard(_ topic: String) -> Bool {
        topic.utf8.contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }
    }

    /// Whether `topic` matches `filter` (`+` one level, `#` the rest).
    package static func matches(_ topic: String, filter: String) -> Bool {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in filterLevels.enumerated() {
            if level == "#" { return true }
            guard index < levels.count else { return false }
            if level != "+" && level != levels[index] { return false }
        }
        return levels.count == filterLevels.count
    }
}
