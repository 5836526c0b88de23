import MusterMQTTCodec
import NIOCore
import Testing

@Suite("UTF-8 strings and binary data")
struct MQTTStringTests {
    @Test func specExampleDecodes() throws {
        // MQTT 5 §1.5.4 figure 1-1: "A𪛔" is 00 05 41 F0 AA 9B 94.
        var buffer = bytes("0005 41 f0aa9b94")
        #expect(try buffer.readMQTTString(packet: .publish, field: .topicName) == "A\u{2A6D4}")
    }

    @Test(arguments: [
        ("c0 80", "overlong U+0000"), ("ed a0 80", "UTF-16 surrogate"), ("ff", "0xFF"), ("e2 82", "cut sequence"),
        ("f4 90 80 80", "above U+10FFFF"),
    ])
    func malformedUTF8IsRejected(_ body: String, _ what: String) {
        let bodyBytes = bytes(body)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt16(bodyBytes.readableBytes))
        buffer.writeImmutableBuffer(bodyBytes)
        #expect(throws: MQTTDecodeError.malformedUTF8(packet: .connect, field: .clientIdentifier), "\(what)") {
            try buffer.readMQTTString(packet: .connect, field: .clientIdentifier)
        }
    }

    @Test func nullCharacterIsRejected() {
        var buffer = bytes("0003 61 00 62")
        #expect(throws: MQTTDecodeError.nullCharacter(packet: .publish, field: .topicName)) {
            try buffer.readMQTTString(packet: .publish, field: .topicName)
        }
    }

    @Test func emptyStringIsFine() throws {
        var buffer = bytes("0000")
        #expect(try buffer.readMQTTString(packet: .connect, field: .clientIdentifier) == "")
    }

    @Test func binaryDataRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeMQTTBinary([0, 1, 0xFF])
        #expect(hex(buffer) == "00030001ff")
        #expect(try buffer.readMQTTBinary(packet: .connect, field: .password) == [0, 1, 0xFF])
    }

    @Test func truncatedBinaryData() {
        var buffer = bytes("0004 0001")
        #expect(throws: MQTTDecodeError.truncated(packet: .connect, field: .password)) {
            try buffer.readMQTTBinary(packet: .connect, field: .password)
        }
    }
}
