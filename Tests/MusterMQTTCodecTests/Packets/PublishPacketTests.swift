import MusterMQTTCodec
import NIOCore
import Testing

@Suite("PUBLISH")
struct PublishPacketTests {
    static let telemetry = ascii("v1/devices/me/telemetry")
    static let attributes = ascii("v1/devices/me/attributes")

    static let fixtures: [PacketFixture] = [
        PacketFixture(
            "paho 3.1.1, QoS 0",
            .v311,
            "30 2d 0017 \(telemetry) " + ascii(#"{"temperature":21.5}"#),
            .publish(.init(topicName: "v1/devices/me/telemetry", payload: payload(#"{"temperature":21.5}"#)))
        ),
        PacketFixture(
            "paho 3.1.1, QoS 1",
            .v311,
            "32 2f 0017 \(telemetry) 0003 " + ascii(#"{"temperature":21.5}"#),
            .publish(
                .init(
                    topicName: "v1/devices/me/telemetry",
                    payload: payload(#"{"temperature":21.5}"#),
                    qos: .atLeastOnce,
                    packetIdentifier: 3
                )
            )
        ),
        PacketFixture(
            "mosquitto 3.1.1 to subscriber, QoS 1",
            .v311,
            "32 2e 0018 \(attributes) 0001 " + ascii(#"{"firmware":"1.0"}"#),
            .publish(
                .init(
                    topicName: "v1/devices/me/attributes",
                    payload: payload(#"{"firmware":"1.0"}"#),
                    qos: .atLeastOnce,
                    packetIdentifier: 1
                )
            )
        ),
        PacketFixture(
            "spec 3.1.1, retained QoS 2 re-delivery with empty payload",
            .v311,
            "3d 05 0001 61 0007",
            .publish(
                .init(
                    topicName: "a",
                    payload: ByteBuffer(),
                    qos: .exactlyOnce,
                    retain: true,
                    duplicate: true,
                    packetIdentifier: 7
                )
            )
        ),
        PacketFixture(
            "paho 5, QoS 0 with Content Type and User Property",
            .v5,
            """
            30 50 0017 \(telemetry) 22 03 0010 \(ascii("application/json"))
            26 0006 \(ascii("source")) 0004 \(ascii("paho")) \(ascii(#"{"temperature":21.5}"#))
            """,
            .publish(
                .init(
                    topicName: "v1/devices/me/telemetry",
                    payload: payload(#"{"temperature":21.5}"#),
                    properties: [
                        .contentType("application/json"),
                        .userProperty(.init(name: "source", value: "paho")),
                    ]
                )
            )
        ),
        PacketFixture(
            "paho 5, QoS 1 with Topic Alias",
            .v5,
            "32 33 0017 \(telemetry) 0003 03 23 0001 " + ascii(#"{"temperature":21.5}"#),
            .publish(
                .init(
                    topicName: "v1/devices/me/telemetry",
                    payload: payload(#"{"temperature":21.5}"#),
                    qos: .atLeastOnce,
                    packetIdentifier: 3,
                    properties: [.topicAlias(1)]
                )
            )
        ),
        PacketFixture(
            "mosquitto 5 to subscriber, QoS 1",
            .v5,
            "32 2f 0018 \(attributes) 0001 00 " + ascii(#"{"firmware":"1.0"}"#),
            .publish(
                .init(
                    topicName: "v1/devices/me/attributes",
                    payload: payload(#"{"firmware":"1.0"}"#),
                    qos: .atLeastOnce,
                    packetIdentifier: 1
                )
            )
        ),
        PacketFixture(
            "mosquitto_pub 5, QoS 1 with Content Type",
            .v5,
            "32 41 0017 \(telemetry) 0001 13 03 0010 \(ascii("application/json")) " + ascii(#"{"temperature":22}"#),
            .publish(
                .init(
                    topicName: "v1/devices/me/telemetry",
                    payload: payload(#"{"temperature":22}"#),
                    qos: .atLeastOnce,
                    packetIdentifier: 1,
                    properties: [.contentType("application/json")]
                )
            )
        ),
        PacketFixture(
            "spec 5, empty topic name with Topic Alias",
            .v5,
            "30 06 0000 03 23 0002 ",
            .publish(.init(topicName: "", payload: ByteBuffer(), properties: [.topicAlias(2)]))
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture("QoS 3", .v311, frame(0x36, "0001 61 0001"), .invalidQoS(packet: .publish)),
        HostileFixture(
            "QoS 1 with packet identifier 0",
            .v311,
            frame(0x32, "0001 61 0000 7b7d"),
            .missingPacketIdentifier(packet: .publish)
        ),
        HostileFixture(
            "QoS 1 ending before the packet identifier",
            .v311,
            frame(0x32, "0001 61"),
            .truncated(packet: .publish, field: .packetIdentifier)
        ),
        HostileFixture("DUP at QoS 0", .v311, frame(0x38, "0001 61"), .duplicateFlagWithQoS0),
        HostileFixture(
            "U+0000 in the topic",
            .v311,
            frame(0x30, "0003 610062 7b7d"),
            .nullCharacter(packet: .publish, field: .topicName)
        ),
        HostileFixture(
            "UTF-16 surrogate in the topic",
            .v5,
            frame(0x30, "0003 eda080 00"),
            .malformedUTF8(packet: .publish, field: .topicName)
        ),
        HostileFixture(
            "topic length beyond the body",
            .v311,
            frame(0x30, "0020 6162"),
            .truncated(packet: .publish, field: .topicName)
        ),
        HostileFixture("3.1.1 empty topic", .v311, frame(0x30, "0000 7b7d"), .emptyTopicName),
        HostileFixture("5 empty topic without alias", .v5, frame(0x30, "0000 00 7b7d"), .emptyTopicName),
        HostileFixture(
            "Topic Alias 0",
            .v5,
            frame(0x30, "0001 61 03 23 0000"),
            .invalidPropertyValue(packet: .publish, field: .property(.topicAlias))
        ),
        HostileFixture(
            "Payload Format Indicator 2",
            .v5,
            frame(0x30, "0001 61 02 01 02"),
            .invalidPropertyValue(packet: .publish, field: .property(.payloadFormatIndicator))
        ),
        HostileFixture(
            "duplicate Topic Alias",
            .v5,
            frame(0x30, "0001 61 06 23 0001 23 0002"),
            .duplicateProperty(packet: .publish, field: .property(.topicAlias))
        ),
        HostileFixture(
            "Receive Maximum is not a PUBLISH property",
            .v5,
            frame(0x30, "0001 61 03 21 0001"),
            .propertyNotAllowed(packet: .publish, field: .property(.receiveMaximum))
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func subscriptionIdentifiersMayRepeatInPublish() throws {
        let packet = try decodeOne(frame(0x30, "0001 61 04 0b 01 0b 02"), version: .v5)
        guard case .publish(let publish) = packet else {
            Issue.record("expected PUBLISH, got \(String(describing: packet))")
            return
        }
        #expect(publish.properties.subscriptionIdentifiers == [1, 2])
    }

    @Test func payloadIsASliceOfTheInput() throws {
        let packet = try decodeOne(PublishPacketTests.fixtures[0].input, version: .v311)
        guard case .publish(let publish) = packet else {
            Issue.record("expected PUBLISH")
            return
        }
        #expect(String(buffer: publish.payload) == #"{"temperature":21.5}"#)
        #expect(publish.flags == 0)
    }
}
