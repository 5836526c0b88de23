import MusterMQTTCodec
import NIOCore
import Testing

@Suite("CONNECT")
struct ConnectPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture(
            "paho 3.1.1, client id, clean session",
            .v311,
            "10 16 0004 4d515454 04 02 003c 000a 6d75737465722d333131",
            .connect(.init(protocolVersion: .v311, clientIdentifier: "muster-311"))
        ),
        PacketFixture(
            "paho 3.1.1, user name, password and retained QoS 1 will",
            .v311,
            """
            10 43 0004 4d515454 04 ee 003c 0005 6465762d31
            0014 76312f646576696365732f6d652f737461747573 0007 6f66666c696e65
            0009 70726f766973696f6e 0006 736563726574
            """,
            .connect(
                .init(
                    protocolVersion: .v311,
                    clientIdentifier: "dev-1",
                    will: .init(
                        topic: "v1/devices/me/status",
                        payload: payload("offline"),
                        qos: .atLeastOnce,
                        retain: true
                    ),
                    username: "provision",
                    password: Array("secret".utf8)
                )
            )
        ),
        PacketFixture(
            "paho 3.1.1, zero-length client id",
            .v311,
            "10 0c 0004 4d515454 04 02 003c 0000",
            .connect(.init(protocolVersion: .v311, clientIdentifier: ""))
        ),
        PacketFixture(
            "paho 3.1 (MQIsdp, level 3)",
            .v31,
            "10 17 0006 4d5149736470 03 02 003c 0009 6d75737465722d3331",
            .connect(.init(protocolVersion: .v31, clientIdentifier: "muster-31"))
        ),
        PacketFixture(
            "paho 3.1.1, user name and wrong password, one-letter id",
            .v311,
            "10 1f 0004 4d515454 04 c2 003c 0001 78 0009 70726f766973696f6e 0005 77726f6e67",
            .connect(
                .init(
                    protocolVersion: .v311,
                    clientIdentifier: "x",
                    username: "provision",
                    password: Array("wrong".utf8)
                )
            )
        ),
        PacketFixture(
            "mosquitto_pub 3.1.1",
            .v311,
            "10 18 0004 4d515454 04 02 003c 000c 6d6f73712d7075622d333131",
            .connect(.init(protocolVersion: .v311, clientIdentifier: "mosq-pub-311"))
        ),
        PacketFixture(
            "paho 5, Session Expiry, Receive Maximum and Maximum Packet Size",
            .v5,
            "10 22 0004 4d515454 05 02 003c 0d 11 00000078 21 000a 27 00010000 0008 6d75737465722d35",
            .connect(
                .init(
                    protocolVersion: .v5,
                    properties: [.sessionExpiryInterval(120), .receiveMaximum(10), .maximumPacketSize(65_536)],
                    clientIdentifier: "muster-5"
                )
            )
        ),
        PacketFixture(
            "paho 5, user name, password and a will with properties",
            .v5,
            """
            10 57 0004 4d515454 05 ce 003c 00 0005 6465762d35
            12 03 000a 746578742f706c61696e 18 00000005
            0014 76312f646576696365732f6d652f737461747573 0007 6f66666c696e65
            0009 70726f766973696f6e 0006 736563726574
            """,
            .connect(
                .init(
                    protocolVersion: .v5,
                    clientIdentifier: "dev-5",
                    will: .init(
                        topic: "v1/devices/me/status",
                        payload: payload("offline"),
                        qos: .atLeastOnce,
                        properties: [.contentType("text/plain"), .willDelayInterval(5)]
                    ),
                    username: "provision",
                    password: Array("secret".utf8)
                )
            )
        ),
        PacketFixture(
            "paho 5, zero-length client id",
            .v5,
            "10 0d 0004 4d515454 05 02 003c 00 0000",
            .connect(.init(protocolVersion: .v5, clientIdentifier: ""))
        ),
        PacketFixture(
            "mosquitto_pub 5, user name only (access token)",
            .v5,
            "10 22 0004 4d515454 05 82 003c 03 21 0014 000a 6d6f73712d7075622d35 0006 746f6b313233",
            .connect(
                .init(
                    protocolVersion: .v5,
                    properties: [.receiveMaximum(20)],
                    clientIdentifier: "mosq-pub-5",
                    username: "tok123"
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
            "protocol name MQTX",
            nil,
            frame(0x10, "0004 4d515458 04 02 003c 0001 78"),
            .invalidProtocolName
        ),
        HostileFixture(
            "protocol level 6",
            nil,
            frame(0x10, "0004 4d515454 06 02 003c 0001 78"),
            .unsupportedProtocolLevel(6)
        ),
        HostileFixture(
            "MQIsdp at level 4",
            nil,
            frame(0x10, "0006 4d5149736470 04 02 003c 0001 78"),
            .unsupportedProtocolLevel(4)
        ),
        HostileFixture(
            "client id length beyond the body",
            nil,
            frame(0x10, "0004 4d515454 04 02 003c 000a 6d7573"),
            .truncated(packet: .connect, field: .clientIdentifier)
        ),
        HostileFixture(
            "body ends inside keep-alive",
            nil,
            frame(0x10, "0004 4d515454 04 02 00"),
            .truncated(packet: .connect, field: .keepAlive)
        ),
        HostileFixture(
            "client id is not UTF-8",
            nil,
            frame(0x10, "0004 4d515454 04 02 003c 0002 c328"),
            .malformedUTF8(packet: .connect, field: .clientIdentifier)
        ),
        HostileFixture(
            "user name holds U+0000",
            nil,
            frame(0x10, "0004 4d515454 04 82 003c 0001 78 0003 610062"),
            .nullCharacter(packet: .connect, field: .username)
        ),
        HostileFixture(
            "reserved connect flag bit 0",
            nil,
            frame(0x10, "0004 4d515454 04 03 003c 0001 78"),
            .reservedBits(packet: .connect, field: .connectFlags)
        ),
        HostileFixture(
            "will QoS 3",
            nil,
            frame(0x10, "0004 4d515454 04 1e 003c 0001 78 0001 74 0000"),
            .invalidQoS(packet: .connect)
        ),
        HostileFixture(
            "will retain without will",
            nil,
            frame(0x10, "0004 4d515454 04 22 003c 0001 78"),
            .inconsistentConnectFlags(MQTTConnectFlags(rawValue: 0x22))
        ),
        HostileFixture(
            "3.1.1 password without user name",
            nil,
            frame(0x10, "0004 4d515454 04 42 003c 0001 78 0001 70"),
            .inconsistentConnectFlags(MQTTConnectFlags(rawValue: 0x42))
        ),
        HostileFixture(
            "trailing byte after the client id",
            nil,
            frame(0x10, "0004 4d515454 04 02 003c 0001 78 ff"),
            .trailingBytes(packet: .connect, count: 1)
        ),
        HostileFixture(
            "unknown property 0x7f",
            nil,
            frame(0x10, "0004 4d515454 05 02 003c 02 7f 00 0001 78"),
            .unknownProperty(packet: .connect, identifier: 0x7F)
        ),
        HostileFixture(
            "duplicate Session Expiry Interval",
            nil,
            frame(0x10, "0004 4d515454 05 02 003c 0a 11 00000078 11 00000000 0001 78"),
            .duplicateProperty(packet: .connect, field: .property(.sessionExpiryInterval))
        ),
        HostileFixture(
            "Topic Alias is not a CONNECT property",
            nil,
            frame(0x10, "0004 4d515454 05 02 003c 03 23 0001 0001 78"),
            .propertyNotAllowed(packet: .connect, field: .property(.topicAlias))
        ),
        HostileFixture(
            "Receive Maximum 0",
            nil,
            frame(0x10, "0004 4d515454 05 02 003c 03 21 0000 0001 78"),
            .invalidPropertyValue(packet: .connect, field: .property(.receiveMaximum))
        ),
        HostileFixture(
            "Session Expiry is not a will property",
            nil,
            frame(0x10, "0004 4d515454 05 06 003c 00 0001 78 05 11 00000001 0001 74 0000"),
            .propertyNotAllowed(packet: .connect, field: .willProperty(.sessionExpiryInterval))
        ),
        HostileFixture(
            "property length of five bytes",
            nil,
            frame(0x10, "0004 4d515454 05 02 003c ffffffff7f"),
            .malformedVariableByteInteger(packet: .connect, field: .properties)
        ),
        HostileFixture(
            "property length beyond the body",
            nil,
            frame(0x10, "0004 4d515454 05 02 003c 10 11 0000"),
            .truncated(packet: .connect, field: .properties)
        ),
        HostileFixture(
            "will payload length beyond the body",
            nil,
            frame(0x10, "0004 4d515454 04 06 003c 0001 78 0001 74 0009 6f66"),
            .truncated(packet: .connect, field: .willPayload)
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }

    @Test func flagsAreAnOptionSet() throws {
        let connect = try #require(ConnectPacketTests.fixtures[1].packet.connectPacket)
        #expect(connect.flags == [.cleanStart, .will, .willQoSLow, .willRetain, .password, .username])
        #expect(connect.flags.rawValue == 0xEE)
        #expect(connect.flags.willQoSBits == 1)
    }

    @Test func descriptionRedactsThePassword() throws {
        let connect = try #require(ConnectPacketTests.fixtures[1].packet.connectPacket)
        #expect(!connect.description.contains("secret"))
        #expect(connect.description.contains("<redacted>"))
    }

    @Test func protocolVersionIsReadFromTheBodyWithoutConsumingIt() {
        let body = bytes("0004 4d515454 05 02 003c 00 0000")
        #expect(MQTTPacket.Connect.peekProtocolVersion(body) == .v5)
        #expect(MQTTPacket.Connect.peekProtocolVersion(bytes("0004 4d51")) == nil)
    }
}

extension MQTTPacket {
    var connectPacket: Connect? {
        if case .connect(let connect) = self { connect } else { nil }
    }
}
