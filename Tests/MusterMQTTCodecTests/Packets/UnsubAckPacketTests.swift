import MusterMQTTCodec
import NIOCore
import Testing

@Suite("UNSUBACK")
struct UnsubAckPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("mosquitto 3.1.1", .v311, "b0 02 0005", .unsubAck(.init(packetIdentifier: 5))),
        PacketFixture(
            "mosquitto 5, two successes",
            .v5,
            "b0 05 0005 00 00 00",
            .unsubAck(.init(packetIdentifier: 5, reasonCodes: [.success, .success]))
        ),
        PacketFixture(
            "spec 5, no subscription existed (ThingsBoard for an unknown filter)",
            .v5,
            "b0 04 0006 00 11",
            .unsubAck(.init(packetIdentifier: 6, reasonCodes: [.noSubscriptionExisted]))
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture(
            "3.1.1 with a reason code",
            .v311,
            bytes("b0 03 0005 00"),
            .trailingBytes(packet: .unsubAck, count: 1)
        ),
        HostileFixture(
            "5 granted QoS 1 is not an UNSUBACK code",
            .v5,
            bytes("b0 04 0005 00 01"),
            .invalidReasonCode(packet: .unsubAck, code: 1)
        ),
        HostileFixture(
            "5 without property length",
            .v5,
            bytes("b0 02 0005"),
            .truncated(packet: .unsubAck, field: .properties)
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func reasonCodesAreDroppedOn311() {
        let packet = MQTTPacket.unsubAck(.init(packetIdentifier: 5, reasonCodes: [.success]))
        #expect(hex(encode(packet, version: .v311)) == "b0020005")
    }
}
