import MusterMQTTCodec
import NIOCore
import Testing

@Suite("Variable byte integer")
struct VariableByteIntegerTests {
    @Test(arguments: [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455])
    func roundTrip(_ value: Int) throws {
        var buffer = ByteBuffer()
        let written = buffer.writeMQTTVariableByteInteger(value)
        #expect(written == mqttVariableByteIntegerSize(value))
        #expect(try buffer.readMQTTVariableByteInteger(packet: .publish, field: .properties) == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test func fifthByteIsMalformed() {
        var buffer = bytes("ff ff ff ff 01")
        #expect(throws: MQTTDecodeError.malformedVariableByteInteger(packet: .publish, field: .properties)) {
            try buffer.readMQTTVariableByteInteger(packet: .publish, field: .properties)
        }
    }

    @Test func endingInsideIsTruncated() {
        var buffer = bytes("ff ff")
        #expect(throws: MQTTDecodeError.truncated(packet: .subscribe, field: .property(.subscriptionIdentifier))) {
            try buffer.readMQTTVariableByteInteger(packet: .subscribe, field: .property(.subscriptionIdentifier))
        }
    }

    @Test(arguments: [0, 1, 127, 128, 200, 16_384, 70_000])
    func lengthPrefixedWritingMovesTheBodyOverUnusedLengthBytes(_ bodyLength: Int) throws {
        var buffer = ByteBuffer(bytes: [0xAA])
        buffer.writeMQTTVariableByteIntegerLengthPrefixed { body in
            body.writeRepeatingByte(0x5C, count: bodyLength)
        }
        #expect(buffer.readInteger(as: UInt8.self) == 0xAA)
        #expect(try buffer.readMQTTVariableByteInteger(packet: .publish, field: .properties) == bodyLength)
        #expect(buffer.readableBytes == bodyLength)
        #expect(buffer.readableBytesView.allSatisfy { $0 == 0x5C })
    }
}
