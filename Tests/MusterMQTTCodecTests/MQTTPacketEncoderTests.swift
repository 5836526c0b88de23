import MusterMQTTCodec
import NIOCore
import NIOEmbedded
import Testing

@Suite("MQTTPacketEncoder")
struct MQTTPacketEncoderTests {
    @Test func writesInTheVersionTheDecoderLearnt() throws {
        // Given a decoder and an encoder sharing one version holder in a channel,
        let version = MQTTConnectionVersion()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(MQTTPacketDecoder(connectionVersion: version)),
            MessageToByteHandler(MQTTPacketEncoder(connectionVersion: version))
        )
        // when a v5 CONNECT arrives and the server answers,
        try channel.writeInbound(ConnectPacketTests.fixtures[6].input)
        #expect(try channel.readInbound(as: MQTTPacket.self) == ConnectPacketTests.fixtures[6].packet)
        let connAck = MQTTPacket.connAck(
            .init(properties: [.maximumPacketSize(65_536), .receiveMaximum(20), .assignedClientIdentifier("a")])
        )
        try channel.writeOutbound(connAck)
        // then the CONNACK is written as MQTT 5, with its properties.
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(hex(written) == "200f0000" + "0c" + "2700010000" + "210014" + "12000161")
        #expect(try decodeOne(written, version: .v5) == connAck)
        _ = try channel.finish()
    }

    @Test func beforeConnectPacketsAreWrittenAs311() {
        var out = ByteBuffer()
        MQTTPacketEncoder(connectionVersion: MQTTConnectionVersion())
            .encode(data: .connAck(.init(reasonCode: .unsupportedProtocolVersion)), out: &out)
        #expect(hex(out) == "20020001")
    }

    @Test func largePublishUsesAMultiByteRemainingLength() throws {
        let body = ByteBuffer(repeating: 0x61, count: 20_000)
        let packet = MQTTPacket.publish(.init(topicName: "t", payload: body, qos: .atLeastOnce, packetIdentifier: 9))
        let encoded = encode(packet, version: .v311)
        // 2 + 1 (topic) + 2 (packet identifier) + 20,000 = 20,005 = 0xA5 0x9C 0x01.
        #expect(hex(encoded.getSlice(at: 0, length: 4)!) == "32a59c01")
        #expect(encoded.readableBytes == 4 + 20_005)
        #expect(try decodeOne(encoded, version: .v311) == packet)
    }
}
