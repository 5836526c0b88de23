import MusterMQTTCodec
import NIOCore
import Testing

@Suite("UNSUBSCRIBE")
struct UnsubscribePacketTests {
    static let filters = mqttString("v1/devices/me/attributes") + mqttString("v1/devices/me/rpc/request/+")

    static let fixtures: [PacketFixture] = [
        PacketFixture(
            "paho 3.1.1, two filters",
            .v311,
            "a2 39 0005 \(filters)",
            .unsubscribe(
                .init(packetIdentifier: 5, topicFilters: ["v1/devices/me/attributes", "v1/devices/me/rpc/request/+"])
            )
        ),
        PacketFixture(
            "paho 5, two filters",
            .v5,
            "a2 3a 0005 00 \(filters)",
            .unsubscribe(
                .init(packetIdentifier: 5, topicFilters: ["v1/devices/me/attributes", "v1/devices/me/rpc/request/+"])
            )
        ),
        PacketFixture(
            "spec 5, with a User Property",
            .v5,
            "a2 0e 0006 08 26 0001 \(ascii("k")) 0002 \(ascii("vv")) \(mqttString("a"))",
            .unsubscribe(
                .init(
                    packetIdentifier: 6,
                    properties: [.userProperty(.init(name: "k", value: "vv"))],
                    topicFilters: ["a"]
                )
            )
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture(
            "flags 0b0000 instead of 0b0010",
            .v311,
            frame(0xA0, "0001 \(mqttString("a"))"),
            .reservedFlags(packet: .unsubscribe, flags: 0)
        ),
        HostileFixture("no filter", .v311, frame(0xA2, "0001"), .emptySubscriptionList(packet: .unsubscribe)),
        HostileFixture("empty filter", .v5, frame(0xA2, "0001 00 0000"), .emptyTopicFilter(packet: .unsubscribe)),
        HostileFixture(
            "filter with U+0000",
            .v311,
            frame(0xA2, "0001 0002 6100"),
            .nullCharacter(packet: .unsubscribe, field: .topicFilter)
        ),
        HostileFixture(
            "truncated filter",
            .v311,
            frame(0xA2, "0001 0003 61"),
            .truncated(packet: .unsubscribe, field: .topicFilter)
        ),
        HostileFixture(
            "Subscription Identifier is not an UNSUBSCRIBE property",
            .v5,
            frame(0xA2, "0001 02 0b 01 \(mqttString("a"))"),
            .propertyNotAllowed(packet: .unsubscribe, field: .property(.subscriptionIdentifier))
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }
}
