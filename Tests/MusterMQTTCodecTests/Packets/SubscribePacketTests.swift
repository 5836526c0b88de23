import MusterMQTTCodec
import NIOCore
import Testing

@Suite("SUBSCRIBE")
struct SubscribePacketTests {
    static let attributes = mqttString("v1/devices/me/attributes")
    static let rpc = mqttString("v1/devices/me/rpc/request/+")

    static let fixtures: [PacketFixture] = [
        PacketFixture(
            "paho 3.1.1, two filters at QoS 1 and 0",
            .v311,
            "82 3b 0001 \(attributes) 01 \(rpc) 00",
            .subscribe(
                .init(
                    packetIdentifier: 1,
                    subscriptions: [
                        .init(topicFilter: "v1/devices/me/attributes", options: .init(qos: .atLeastOnce)),
                        .init(topicFilter: "v1/devices/me/rpc/request/+"),
                    ]
                )
            )
        ),
        PacketFixture(
            "mosquitto_sub 3.1.1, multi-level wildcard",
            .v311,
            "82 14 0001 \(mqttString("v1/devices/me/#")) 00",
            .subscribe(.init(packetIdentifier: 1, subscriptions: [.init(topicFilter: "v1/devices/me/#")]))
        ),
        PacketFixture(
            "paho 5, No Local, Retain As Published, Retain Handling 2",
            .v5,
            "82 3c 0001 00 \(attributes) 01 \(rpc) 2c",
            .subscribe(
                .init(
                    packetIdentifier: 1,
                    subscriptions: [
                        .init(topicFilter: "v1/devices/me/attributes", options: .init(qos: .atLeastOnce)),
                        .init(
                            topicFilter: "v1/devices/me/rpc/request/+",
                            options: .init(noLocal: true, retainAsPublished: true, retainHandling: .doNotSend)
                        ),
                    ]
                )
            )
        ),
        PacketFixture(
            "mosquitto_sub 5, Subscription Identifier 7",
            .v5,
            "82 20 0001 02 0b 07 \(attributes) 01",
            .subscribe(
                .init(
                    packetIdentifier: 1,
                    properties: [.subscriptionIdentifier(7)],
                    subscriptions: [
                        .init(topicFilter: "v1/devices/me/attributes", options: .init(qos: .atLeastOnce))
                    ]
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
            "fixed-header flags 0b0000 instead of 0b0010",
            .v311,
            frame(0x80, "0001 \(mqttString("a")) 00"),
            .reservedFlags(packet: .subscribe, flags: 0)
        ),
        HostileFixture("no filter", .v311, frame(0x82, "0001"), .emptySubscriptionList(packet: .subscribe)),
        HostileFixture("5 no filter", .v5, frame(0x82, "0001 00"), .emptySubscriptionList(packet: .subscribe)),
        HostileFixture("empty filter", .v311, frame(0x82, "0001 0000 00"), .emptyTopicFilter(packet: .subscribe)),
        HostileFixture(
            "requested QoS 3",
            .v311,
            frame(0x82, "0001 \(mqttString("a")) 03"),
            .invalidQoS(packet: .subscribe)
        ),
        HostileFixture(
            "3.1.1 options with No Local bit",
            .v311,
            frame(0x82, "0001 \(mqttString("a")) 04"),
            .reservedBits(packet: .subscribe, field: .subscriptionOptions)
        ),
        HostileFixture(
            "5 options bit 6",
            .v5,
            frame(0x82, "0001 00 \(mqttString("a")) 40"),
            .reservedBits(packet: .subscribe, field: .subscriptionOptions)
        ),
        HostileFixture(
            "5 Retain Handling 3",
            .v5,
            frame(0x82, "0001 00 \(mqttString("a")) 30"),
            .invalidRetainHandling
        ),
        HostileFixture(
            "filter without options byte",
            .v311,
            frame(0x82, "0001 \(mqttString("a"))"),
            .truncated(packet: .subscribe, field: .subscriptionOptions)
        ),
        HostileFixture(
            "filter length beyond the body",
            .v311,
            frame(0x82, "0001 0005 61"),
            .truncated(packet: .subscribe, field: .topicFilter)
        ),
        HostileFixture(
            "filter not UTF-8",
            .v311,
            frame(0x82, "0001 0001 80 00"),
            .malformedUTF8(packet: .subscribe, field: .topicFilter)
        ),
        HostileFixture(
            "Subscription Identifier 0",
            .v5,
            frame(0x82, "0001 02 0b 00 \(mqttString("a")) 00"),
            .invalidPropertyValue(packet: .subscribe, field: .property(.subscriptionIdentifier))
        ),
        HostileFixture(
            "two Subscription Identifiers",
            .v5,
            frame(0x82, "0001 04 0b 01 0b 02 \(mqttString("a")) 00"),
            .duplicateProperty(packet: .subscribe, field: .property(.subscriptionIdentifier))
        ),
        HostileFixture(
            "packet identifier 0",
            .v311,
            frame(0x82, "0000 \(mqttString("a")) 00"),
            .missingPacketIdentifier(packet: .subscribe)
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func mqtt5OptionsAreDroppedOn311() {
        let packet = MQTTPacket.subscribe(
            .init(
                packetIdentifier: 2,
                subscriptions: [.init(topicFilter: "a", options: .init(qos: .atLeastOnce, noLocal: true))]
            )
        )
        #expect(hex(encode(packet, version: .v311)) == "820600020001" + "6101")
    }
}
