import MusterMQTTCodec
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("MQTTPacketDecoder")
struct MQTTPacketDecoderTests {
    /// Everything paho 5 sent on one connection (CONNECT, SUBSCRIBE, PUBLISH ×3, PUBACK, UNSUBSCRIBE, PINGREQ,
    /// DISCONNECT), as one stream.
    static let paho5Session: [PacketFixture] =
        [ConnectPacketTests.fixtures[6], SubscribePacketTests.fixtures[2]]
        + [PublishPacketTests.fixtures[4], PublishPacketTests.fixtures[5]]
        + [PubAckPacketTests.fixtures[2], UnsubscribePacketTests.fixtures[1], PingReqPacketTests.fixtures[1]]
        + [DisconnectPacketTests.fixtures[2]]

    @Test func wholeSessionStreamWithTheVersionLearntFromConnect() throws {
        // Given the whole client-to-server stream of a paho 5 session in one buffer,
        var stream = ByteBuffer()
        for fixture in MQTTPacketDecoderTests.paho5Session {
            var input = fixture.input
            stream.writeBuffer(&input)
        }
        // when a fresh decoder (no version yet) reads it,
        let version = MQTTConnectionVersion()
        var decoder = MQTTPacketDecoder(connectionVersion: version)
        var decoded: [MQTTPacket] = []
        while let packet = try decoder.decode(buffer: &stream) {
            decoded.append(packet)
        }
        // then every packet comes out, read as MQTT 5 (PUBLISH properties included).
        #expect(decoded == MQTTPacketDecoderTests.paho5Session.map(\.packet))
        #expect(version.value == .v5)
        #expect(stream.readableBytes == 0)
    }

    @Test func wholeSessionThroughTheVerifier() throws {
        var stream = ByteBuffer()
        for fixture in MQTTPacketDecoderTests.paho5Session.dropFirst() {
            var input = fixture.input
            stream.writeBuffer(&input)
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(stream, Array(MQTTPacketDecoderTests.paho5Session.dropFirst().map(\.packet)))],
            decoderFactory: { MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(.v5)) }
        )
    }

    @Test func firstPacketMustBeConnect() {
        #expect(decodeError(bytes("c0 00"), version: nil) == .expectedConnect(received: .pingReq))
    }

    @Test func versionIsLearntEvenFromAMalformedConnect() {
        // Given a v5 CONNECT with an unknown property,
        let version = MQTTConnectionVersion()
        var decoder = MQTTPacketDecoder(connectionVersion: version)
        var buffer = frame(0x10, "0004 4d515454 05 02 003c 02 7f 00 0001 78")
        #expect(throws: MQTTDecodeError.unknownProperty(packet: .connect, identifier: 0x7F)) {
            try decoder.decode(buffer: &buffer)
        }
        // then the encoder sharing the version answers in MQTT 5.
        #expect(version.value == .v5)
        var out = ByteBuffer()
        MQTTPacketEncoder(connectionVersion: version)
            .encode(data: .connAck(.init(reasonCode: .malformedPacket)), out: &out)
        #expect(hex(out) == "2003008100")
    }

    @Test func secondConnectIsDecodedAndLeftToTheSession() throws {
        let version = MQTTConnectionVersion()
        var decoder = MQTTPacketDecoder(connectionVersion: version)
        var buffer = ConnectPacketTests.fixtures[0].input
        var second = ConnectPacketTests.fixtures[6].input
        buffer.writeBuffer(&second)
        #expect(try decoder.decode(buffer: &buffer) == ConnectPacketTests.fixtures[0].packet)
        #expect(try decoder.decode(buffer: &buffer) == ConnectPacketTests.fixtures[6].packet)
        #expect(version.value == .v311)
    }

    @Test func oversizePacketFailsThePipelineBeforeTheBodyArrives() throws {
        // Given a channel whose decoder accepts at most 1 KiB,
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(
                MQTTPacketDecoder(maximumPacketSize: 1024, connectionVersion: MQTTConnectionVersion(.v311))
            )
        )
        // when a PUBLISH header announcing 2,000 bytes arrives alone,
        #expect(throws: MQTTDecodeError.packetTooLarge(size: 2003, limit: 1024)) {
            try channel.writeInbound(bytes("30 d0 0f"))
        }
        // then nothing was produced.
        #expect(try channel.readInbound(as: MQTTPacket.self) == nil)
        _ = try? channel.finish()
    }

    @Test func hostileBytesAfterValidOnesFailOnlyWhenReached() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTPacketDecoder()))
        var input = ConnectPacketTests.fixtures[0].input
        input.writeImmutableBuffer(bytes("80 00"))  // SUBSCRIBE with reserved flags 0b0000
        #expect(throws: MQTTDecodeError.reservedFlags(packet: .subscribe, flags: 0)) {
            try channel.writeInbound(input)
        }
        #expect(try channel.readInbound(as: MQTTPacket.self) == ConnectPacketTests.fixtures[0].packet)
        _ = try? channel.finish()
    }
}
