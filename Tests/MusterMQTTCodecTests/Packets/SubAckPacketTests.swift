import MusterMQTTCodec
import NIOCore
import Testing

@Suite("SUBACK")
struct SubAckPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture(
            "mosquitto 3.1.1, granted QoS 1 and 0",
            .v311,
            "90 04 0001 01 00",
            .subAck(.init(packetIdentifier: 1, reasonCodes: [.grantedQoS1, .grantedQoS0]))
        ),
        PacketFixture(
            "mosquitto 3.1.1, granted QoS 0",
            .v311,
            "90 03 0001 00",
            .subAck(.init(packetIdentifier: 1, reasonCodes: [.grantedQoS0]))
        ),
        PacketFixture(
            "spec 3.1.1, failure 0x80",
            .v311,
            "90 04 0002 01 80",
            .subAck(.init(packetIdentifier: 2, reasonCodes: [.grantedQoS1, .unspecifiedError]))
        ),
        PacketFixture(
            "mosquitto 5, granted QoS 1 and 0",
            .v5,
            "90 05 0001 00 01 00",
            .subAck(.init(packetIdentifier: 1, reasonCodes: [.grantedQoS1, .grantedQoS0]))
        ),
        PacketFixture(
            "mosquitto_sub 5, granted QoS 1",
            .v5,
            "90 04 0001 00 01",
            .subAck(.init(packetIdentifier: 1, reasonCodes: [.grantedQoS1]))
        ),
        PacketFixture(
            "spec 5, topic filter invalid (ThingsBoard provisioning refusal)",
            .v5,
            "90 05 0003 00 01 8f",
            .subAck(.init(packetIdentifier: 3, reasonCodes: [.grantedQoS1, .topicFilterInvalid]))
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture(
            "3.1.1 code 0x8f",
            .v311,
            bytes("90 03 0001 8f"),
            .invalidReasonCode(packet: .subAck, code: 0x8F)
        ),
        HostileFixture(
            "5 code 0x10",
            .v5,
            bytes("90 04 0001 00 10"),
            .invalidReasonCode(packet: .subAck, code: 0x10)
        ),
        HostileFixture("flags", .v311, bytes("92 03 0001 00"), .reservedFlags(packet: .subAck, flags: 2)),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func mqtt5FailuresAreWrittenAs0x80On311() {
        let packet = MQTTPacket.subAck(.init(packetIdentifier: 3, reasonCodes: [.grantedQoS1, .topicFilterInvalid]))
        #expect(hex(encode(packet, version: .v311)) == "900400030180")
    }
}
