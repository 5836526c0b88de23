import MusterMQTTCodec
import Testing

@Suite("MQTTReasonCode(MQTTDecodeError)")
struct MQTTReasonCodeDecodeErrorTests {
    @Test(arguments: [
        (MQTTDecodeError.remainingLengthTooLong, MQTTReasonCode.malformedPacket),
        (.reservedFlags(packet: .subscribe, flags: 0), .malformedPacket),
        (.truncated(packet: .connect, field: .clientIdentifier), .malformedPacket),
        (.malformedUTF8(packet: .publish, field: .topicName), .malformedPacket),
        (.nullCharacter(packet: .publish, field: .topicName), .malformedPacket),
        (.trailingBytes(packet: .pingReq, count: 1), .malformedPacket),
        (.invalidQoS(packet: .publish), .malformedPacket),
        (.unknownProperty(packet: .connect, identifier: 0x7F), .malformedPacket),
        (.duplicateProperty(packet: .connect, field: .property(.sessionExpiryInterval)), .protocolError),
        (.missingPacketIdentifier(packet: .publish), .protocolError),
        (.expectedConnect(received: .publish), .protocolError),
        (.packetTooLarge(size: 70_000, limit: 65_536), .packetTooLarge),
        (.unsupportedProtocolLevel(6), .unsupportedProtocolVersion),
        (.invalidProtocolName, .unsupportedProtocolVersion),
    ])
    func mapping(_ error: MQTTDecodeError, _ expected: MQTTReasonCode) {
        #expect(MQTTReasonCode(error) == expected)
    }

    @Test func unsupportedLevelIsReturnCode1On311() {
        #expect(MQTTConnectReturnCode(MQTTReasonCode(.unsupportedProtocolLevel(6))) == .unacceptableProtocolVersion)
    }
}
