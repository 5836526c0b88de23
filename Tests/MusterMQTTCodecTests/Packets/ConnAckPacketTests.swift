import MusterMQTTCodec
import NIOCore
import Testing

@Suite("CONNACK")
struct ConnAckPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("mosquitto 3.1.1, accepted", .v311, "20 02 00 00", .connAck(.init())),
        PacketFixture(
            "mosquitto 3.1.1, bad password (return code 5)",
            .v311,
            "20 02 00 05",
            .connAck(.init(reasonCode: .notAuthorized))
        ),
        PacketFixture(
            "spec 3.1.1, unacceptable protocol version",
            .v311,
            "20 02 00 01",
            .connAck(.init(reasonCode: .unsupportedProtocolVersion))
        ),
        PacketFixture(
            "spec 3.1.1, session present",
            .v311,
            "20 02 01 00",
            .connAck(.init(sessionPresent: true))
        ),
        PacketFixture(
            "mosquitto 5, Topic Alias Maximum, Maximum Packet Size, Receive Maximum",
            .v5,
            "20 0e 00 00 0b 22 000a 27 00010000 21 0014",
            .connAck(
                .init(properties: [.topicAliasMaximum(10), .maximumPacketSize(65_536), .receiveMaximum(20)])
            )
        ),
        PacketFixture(
            "mosquitto 5, Assigned Client Identifier for a zero-length id",
            .v5,
            """
            20 3a 00 00 37 22 000a
            12 0029 6175746f2d43424542443643452d463436372d413741332d304137382d424631333035423345444343
            27 00010000 21 0014
            """,
            .connAck(
                .init(properties: [
                    .topicAliasMaximum(10),
                    .assignedClientIdentifier("auto-CBEBD6CE-F467-A7A3-0A78-BF1305B3EDCC"),
                    .maximumPacketSize(65_536),
                    .receiveMaximum(20),
                ])
            )
        ),
        PacketFixture(
            "mosquitto 5, not authorized",
            .v5,
            "20 03 00 87 00",
            .connAck(.init(reasonCode: .notAuthorized))
        ),
        PacketFixture(
            "spec 5, bad user name or password with a Reason String",
            .v5,
            "20 0a 00 86 07 1f 0004 " + ascii("nope"),
            .connAck(.init(reasonCode: .badUserNameOrPassword, properties: [.reasonString("nope")]))
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture(
            "3.1.1 return code 6",
            .v311,
            bytes("20 02 00 06"),
            .invalidReasonCode(packet: .connAck, code: 6)
        ),
        HostileFixture(
            "5 reason code 0x10 is not a CONNACK code",
            .v5,
            bytes("20 03 00 10 00"),
            .invalidReasonCode(packet: .connAck, code: 0x10)
        ),
        HostileFixture(
            "acknowledge flags bit 1",
            .v311,
            bytes("20 02 02 00"),
            .reservedBits(packet: .connAck, field: .acknowledgeFlags)
        ),
        HostileFixture(
            "5 without property length",
            .v5,
            bytes("20 02 00 00"),
            .truncated(packet: .connAck, field: .properties)
        ),
        HostileFixture(
            "Assigned Client Identifier not UTF-8",
            .v5,
            bytes("20 07 00 00 04 12 0001 ff"),
            .malformedUTF8(packet: .connAck, field: .property(.assignedClientIdentifier))
        ),
        HostileFixture(
            "Maximum QoS 2",
            .v5,
            bytes("20 05 00 00 02 24 02"),
            .invalidPropertyValue(packet: .connAck, field: .property(.maximumQoS))
        ),
        HostileFixture(
            "3.1.1 trailing byte",
            .v311,
            bytes("20 03 00 00 00"),
            .trailingBytes(packet: .connAck, count: 1)
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func propertiesAreReadableByName() throws {
        guard case .connAck(let connAck) = ConnAckPacketTests.fixtures[5].packet else {
            Issue.record("fixture 5 is a CONNACK")
            return
        }
        #expect(connAck.properties.maximumPacketSize == 65_536)
        #expect(connAck.properties.receiveMaximum == 20)
        #expect(connAck.properties.topicAliasMaximum == 10)
        #expect(connAck.properties.assignedClientIdentifier == "auto-CBEBD6CE-F467-A7A3-0A78-BF1305B3EDCC")
        #expect(connAck.properties.reasonString == nil)
    }

    @Test(arguments: [
        (MQTTReasonCode.success, "20020000"),
        (.badUserNameOrPassword, "20020004"),
        (.notAuthorized, "20020005"),
        (.clientIdentifierNotValid, "20020002"),
        (.serverUnavailable, "20020003"),
        (.serverBusy, "20020003"),
        (.banned, "20020005"),
    ])
    func reasonCodesAreWrittenAsReturnCodesOn311(_ reasonCode: MQTTReasonCode, _ expected: String) {
        #expect(hex(encode(.connAck(.init(reasonCode: reasonCode)), version: .v311)) == expected)
    }
}
