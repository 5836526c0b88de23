import MusterMQTTCodec
import NIOCore
import Testing

@Suite("DISCONNECT")
struct DisconnectPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("paho 3.1.1", .v311, "e0 00", .disconnect(.init())),
        PacketFixture("paho 5, no reason code", .v5, "e0 00", .disconnect(.init())),
        PacketFixture(
            "paho 5, normal disconnection with Session Expiry Interval 0",
            .v5,
            "e0 07 00 05 11 00000000",
            .disconnect(.init(properties: [.sessionExpiryInterval(0)]))
        ),
        PacketFixture(
            "mosquitto_sub 5, disconnect with will message",
            .v5,
            "e0 01 04",
            .disconnect(.init(reasonCode: .disconnectWithWillMessage))
        ),
        PacketFixture(
            "spec 5, server shutting down",
            .v5,
            "e0 01 8b",
            .disconnect(.init(reasonCode: .serverShuttingDown))
        ),
        PacketFixture(
            "spec 5, topic name invalid with Reason String (ThingsBoard provisioning refusal)",
            .v5,
            "e0 0a 90 08 1f 0005 \(ascii("topic"))",
            .disconnect(.init(reasonCode: .topicNameInvalid, properties: [.reasonString("topic")]))
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture("3.1.1 with a body", .v311, bytes("e0 01 00"), .trailingBytes(packet: .disconnect, count: 1)),
        HostileFixture(
            "5 reason code 0x86 is CONNACK only",
            .v5,
            bytes("e0 01 86"),
            .invalidReasonCode(packet: .disconnect, code: 0x86)
        ),
        HostileFixture(
            "Receive Maximum is not a DISCONNECT property",
            .v5,
            bytes("e0 05 00 03 21 0001"),
            .propertyNotAllowed(packet: .disconnect, field: .property(.receiveMaximum))
        ),
        HostileFixture("flags", .v311, bytes("e1 00"), .reservedFlags(packet: .disconnect, flags: 1)),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func reasonCodeIsDroppedOn311() {
        #expect(hex(encode(.disconnect(.init(reasonCode: .serverShuttingDown)), version: .v311)) == "e000")
    }
}
