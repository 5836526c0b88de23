import MusterMQTTCodec
import NIOCore
import Testing

@Suite("MQTTFrameParser")
struct MQTTFrameParserTests {
    @Test func framesAPacketAndLeavesTheRest() throws {
        // Given a PINGREQ followed by the first byte of another packet,
        var buffer = bytes("c0 00 d0")
        // when one frame is parsed,
        let frame = try #require(try MQTTFrameParser().parse(&buffer))
        // then it is the PINGREQ and the extra byte is left unread.
        #expect(frame.fixedHeader == MQTTFixedHeader(type: .pingReq, flags: 0, remainingLength: 0))
        #expect(frame.body.readableBytes == 0)
        #expect(hex(buffer) == "d0")
    }

    @Test(arguments: ["", "30", "30 80", "30 80 80", "30 80 80 80", "30 05 0001 61"])
    func incompleteInputReturnsNilAndRestoresTheReaderIndex(_ input: String) throws {
        var buffer = bytes(input)
        let before = buffer.readerIndex
        #expect(try MQTTFrameParser().parse(&buffer) == nil)
        #expect(buffer.readerIndex == before)
    }

    @Test(arguments: [
        (0, "00"), (127, "7f"), (128, "8001"), (16_383, "ff7f"), (16_384, "808001"), (2_097_151, "ffff7f"),
        (2_097_152, "80808001"), (268_435_455, "ffffff7f"),
    ])
    func remainingLengthBoundaries(_ length: Int, _ encoded: String) throws {
        // The spec's table (MQTT 5 §1.5.5): header bytes alone are enough to know the length.
        var buffer = bytes("30" + encoded)
        let parser = MQTTFrameParser(maximumPacketSize: Int.max)
        let header = try #require(try parser.readFixedHeader(&buffer))
        #expect(header.remainingLength == length)
        var written = ByteBuffer()
        written.writeMQTTVariableByteInteger(length)
        #expect(hex(written) == encoded)
    }

    @Test func fiveByteRemainingLengthIsRejectedAtTheFourthByte() {
        var buffer = bytes("30 ff ff ff ff")
        #expect(throws: MQTTDecodeError.remainingLengthTooLong) { try MQTTFrameParser().parse(&buffer) }
        var longer = bytes("30 ff ff ff ff 01")
        #expect(throws: MQTTDecodeError.remainingLengthTooLong) { try MQTTFrameParser().parse(&longer) }
    }

    @Test func oversizePacketIsRejectedBeforeItsBodyArrives() {
        // Given only a fixed header announcing 1,000,000 bytes of body (none of which has arrived),
        var buffer = bytes("30 c0 84 3d")
        // then the parser refuses at once instead of waiting to buffer the body.
        #expect(throws: MQTTDecodeError.packetTooLarge(size: 1_000_004, limit: 65_536)) {
            try MQTTFrameParser().parse(&buffer)
        }
    }

    @Test func maximumPacketSizeCountsTheWholePacket() throws {
        // A PUBLISH of 10 bytes in all: fixed header 2 + body 8.
        let packet = frame(0x30, "0001 61 0102030405")
        var fits = packet
        #expect(try MQTTFrameParser(maximumPacketSize: 10).parse(&fits) != nil)
        var tooBig = packet
        #expect(throws: MQTTDecodeError.packetTooLarge(size: 10, limit: 9)) {
            try MQTTFrameParser(maximumPacketSize: 9).parse(&tooBig)
        }
    }

    @Test func packetTypeZeroIsRejectedOnTheFirstByte() {
        var buffer = bytes("00")
        #expect(throws: MQTTDecodeError.unknownPacketType(0)) { try MQTTFrameParser().parse(&buffer) }
    }

    @Test(arguments: [
        (UInt8(0x11), MQTTPacketType.connect, UInt8(1)), (0x80, .subscribe, 0), (0x83, .subscribe, 3),
        (0xA0, .unsubscribe, 0), (0x68, .pubRel, 8), (0xC2, .pingReq, 2), (0xE4, .disconnect, 4),
    ])
    func reservedFlagsAreRejectedOnTheFirstByte(_ first: UInt8, _ type: MQTTPacketType, _ flags: UInt8) {
        var buffer = ByteBuffer(bytes: [first])
        #expect(throws: MQTTDecodeError.reservedFlags(packet: type, flags: flags)) {
            try MQTTFrameParser().parse(&buffer)
        }
    }

    @Test func publishFlagsAreLeftToThePacket() throws {
        var buffer = bytes("3b 05 0001 61 0001")
        let frame = try #require(try MQTTFrameParser().parse(&buffer))
        #expect(frame.fixedHeader.flags == 0b1011)
    }
}
