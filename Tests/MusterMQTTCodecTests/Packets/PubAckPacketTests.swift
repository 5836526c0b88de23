import MusterMQTTCodec
import NIOCore
import Testing

@Suite("PUBACK, PUBREC, PUBREL, PUBCOMP")
struct PubAckPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("mosquitto 3.1.1", .v311, "40 02 0003", .pubAck(.init(packetIdentifier: 3))),
        PacketFixture("paho 3.1.1", .v311, "40 02 0001", .pubAck(.init(packetIdentifier: 1))),
        PacketFixture(
            "paho 5, short form (success, no properties)",
            .v5,
            "40 02 0001",
            .pubAck(.init(packetIdentifier: 1))
        ),
        PacketFixture(
            "mosquitto 5, reason code only: no matching subscribers",
            .v5,
            "40 03 0003 10",
            .pubAck(.init(packetIdentifier: 3, reasonCode: .noMatchingSubscribers))
        ),
        PacketFixture(
            "spec 5, topic name invalid with Reason String",
            .v5,
            "40 0d 0009 90 09 1f 0006 " + ascii("denied"),
            .pubAck(.init(packetIdentifier: 9, reasonCode: .topicNameInvalid, properties: [.reasonString("denied")]))
        ),
        PacketFixture(
            "spec 5, reason code only: payload format invalid",
            .v5,
            "40 03 0004 99",
            .pubAck(.init(packetIdentifier: 4, reasonCode: .payloadFormatInvalid))
        ),
        PacketFixture("spec 3.1.1 PUBREC", .v311, "50 02 0007", .pubRec(.init(packetIdentifier: 7))),
        PacketFixture("spec 3.1.1 PUBREL", .v311, "62 02 0007", .pubRel(.init(packetIdentifier: 7))),
        PacketFixture("spec 3.1.1 PUBCOMP", .v311, "70 02 0007", .pubComp(.init(packetIdentifier: 7))),
        PacketFixture(
            "spec 5 PUBREL, packet identifier not found",
            .v5,
            "62 03 0007 92",
            .pubRel(.init(packetIdentifier: 7, reasonCode: .packetIdentifierNotFound))
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture("packet identifier 0", .v311, bytes("40 02 0000"), .missingPacketIdentifier(packet: .pubAck)),
        HostileFixture(
            "one byte body",
            .v311,
            bytes("40 01 00"),
            .truncated(packet: .pubAck, field: .packetIdentifier)
        ),
        HostileFixture(
            "3.1.1 trailing byte",
            .v311,
            bytes("40 03 0001 00"),
            .trailingBytes(packet: .pubAck, count: 1)
        ),
        HostileFixture(
            "5 reason code 0x05 does not exist",
            .v5,
            bytes("40 03 0001 05"),
            .invalidReasonCode(packet: .pubAck, code: 5)
        ),
        HostileFixture(
            "5 PUBCOMP may not say no matching subscribers",
            .v5,
            bytes("70 03 0001 10"),
            .invalidReasonCode(packet: .pubComp, code: 0x10)
        ),
        HostileFixture(
            "PUBREL without flag 0b0010",
            .v311,
            bytes("60 02 0001"),
            .reservedFlags(packet: .pubRel, flags: 0)
        ),
        HostileFixture("PUBACK with flags", .v311, bytes("42 02 0001"), .reservedFlags(packet: .pubAck, flags: 2)),
        HostileFixture(
            "5 property block beyond the body",
            .v5,
            bytes("40 05 0001 00 05 1f"),
            .truncated(packet: .pubAck, field: .properties)
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func reasonCodeIsDroppedOn311() {
        let packet = MQTTPacket.pubAck(.init(packetIdentifier: 3, reasonCode: .topicNameInvalid))
        #expect(hex(encode(packet, version: .v311)) == "40020003")
    }
}
