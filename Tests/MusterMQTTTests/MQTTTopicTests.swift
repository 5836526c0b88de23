import Testing

@testable import MusterMQTT

@Suite struct MQTTTopicTests {
    @Test(arguments: [
        ("v1/devices/me/attributes/response/5", "v1/devices/me/attributes/response/+", true),
        ("v1/devices/me/attributes", "v1/devices/me/attributes/response/+", false),
        ("v1/devices/me/attributes", "v1/#", true),
        ("v1/devices/me/attributes", "v1/devices/me/attributes", true),
        ("/provision/response", "/provision/response", true),
        ("/provision/response", "+/provision/response", true),  // "+" matches the empty first level
        ("/provision/response", "provision/response", false),
    ])
    func filterMatching(topic: String, filter: String, matches: Bool) {
        #expect(MQTTTopic.matches(topic, filter: filter) == matches)
    }

    @Test func wildcardsInTopicNames() {
        #expect(MQTTTopic.hasWildcard("a/+/b"))
        #expect(MQTTTopic.hasWildcard("a/#"))
        #expect(!MQTTTopic.hasWildcard("v1/devices/me/telemetry"))
    }
}
