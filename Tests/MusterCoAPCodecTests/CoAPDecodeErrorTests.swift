import MusterCoAPCodec
import NIOCore
import Testing

/// Hostile datagrams, each rejected with its own error.
@Suite("Hostile datagrams")
struct CoAPDecodeErrorTests {
    struct HostileCase: Sendable, CustomTestStringConvertible {
        let name: String
        let hex: String
        let error: CoAPDecodeError
        var testDescription: String { name }
    }

    static let cases: [HostileCase] = [
        HostileCase(name: "empty datagram", hex: "", error: .tooShort(size: 0)),
        HostileCase(name: "1-byte header", hex: "40", error: .tooShort(size: 1)),
        HostileCase(name: "3-byte header", hex: "400101", error: .tooShort(size: 3)),
        HostileCase(name: "version 0", hex: "00010102", error: .unsupportedVersion(0)),
        HostileCase(name: "version 2", hex: "80010102", error: .unsupportedVersion(2)),
        HostileCase(name: "version 3", hex: "c0010102", error: .unsupportedVersion(3)),
        HostileCase(name: "token truncated", hex: "44010102aabb", error: .truncatedToken(length: 4, available: 2)),
        HostileCase(name: "empty ACK with a token", hex: "61000102aa", error: .emptyMessageWithContent),
        HostileCase(name: "empty RST with an option", hex: "70000102b0", error: .emptyMessageWithContent),
        HostileCase(name: "empty CON with a payload", hex: "40000102ff00", error: .emptyMessageWithContent),
        HostileCase(name: "option delta 15", hex: "40010102f1aa", error: .reservedOptionDelta),
        HostileCase(name: "option delta 15 after an option", hex: "40010102b161f0", error: .reservedOptionDelta),
        HostileCase(name: "option length 15", hex: "400101020f", error: .reservedOptionLength(number: 0)),
        HostileCase(name: "option length 15 on Uri-Path", hex: "40010102bf", error: .reservedOptionLength(number: 11)),
        HostileCase(name: "1-byte delta extension missing", hex: "40010102d0", error: .truncatedOptionDelta(after: 0)),
        HostileCase(
            name: "2-byte delta extension cut",
            hex: "40010102b161e000",
            error: .truncatedOptionDelta(after: 11)
        ),
        HostileCase(
            name: "1-byte length extension missing",
            hex: "400101020d",
            error: .truncatedOptionLength(number: 0)
        ),
        HostileCase(
            name: "2-byte length extension cut",
            hex: "40010102be01",
            error: .truncatedOptionLength(number: 11)
        ),
        HostileCase(
            name: "option value cut",
            hex: "40010102b46162",
            error: .truncatedOption(number: 11, length: 4, available: 2)
        ),
        HostileCase(
            name: "extended option value cut",
            hex: "40010102bd0061",
            error: .truncatedOption(number: 11, length: 13, available: 1)
        ),
        HostileCase(name: "delta 65804", hex: "40010102e0ffff", error: .optionNumberTooLarge(65804)),
        HostileCase(name: "option number past 65535", hex: "40010102e0fef210", error: .optionNumberTooLarge(65536)),
        HostileCase(name: "marker with empty payload", hex: "40010102ff", error: .emptyPayloadAfterMarker),
        HostileCase(name: "marker after token and option", hex: "41010102aab161ff", error: .emptyPayloadAfterMarker),
        HostileCase(name: "Block2 SZX 7", hex: "40010102d10a07", error: .invalidBlockOption(number: 23)),
        HostileCase(name: "Block1 SZX 7 (2 bytes)", hex: "40010102d20e0017", error: .invalidBlockOption(number: 27)),
        HostileCase(
            name: "Block1 of 4 bytes",
            hex: "40010102d40e00000008",
            error: .invalidOptionLength(number: 27, length: 4)
        ),
        HostileCase(name: "empty Uri-Host", hex: "4001010230", error: .invalidOptionLength(number: 3, length: 0)),
        HostileCase(
            name: "If-None-Match with a value",
            hex: "4001010251aa",
            error: .invalidOptionLength(number: 5, length: 1)
        ),
        HostileCase(
            name: "Uri-Port of 3 bytes", hex: "4001010273000001", error: .invalidOptionLength(number: 7, length: 3)),
        HostileCase(name: "Uri-Port twice", hex: "40010102721633021634", error: .repeatedOption(number: 7)),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: HostileCase) {
        var buffer = ByteBuffer(hex: testCase.hex)
        let before = buffer
        #expect(throws: testCase.error) {
            try CoAPMessage.decode(from: &buffer)
        }
        #expect(buffer == before, "the reader index is restored")
    }

    @Test(arguments: 9...15)
    func reservedTokenLength(_ length: Int) {
        var buffer = ByteBuffer(hex: "4\(String(length, radix: 16))010102")
        buffer.writeRepeatingByte(0xAA, count: length)
        #expect(throws: CoAPDecodeError.tokenTooLong(UInt8(length))) {
            try CoAPMessage.decode(from: &buffer)
        }
    }

    @Test func oversizeDatagramIsRejectedBeforeParsing() {
        // Given a 1153-byte datagram whose header is garbage
        var buffer = ByteBuffer(repeating: 0xFF, count: 1153)
        // Then the size is what is reported, not the version
        #expect(throws: CoAPDecodeError.messageTooLarge(size: 1153, limit: 1152)) {
            try CoAPMessage.decode(from: &buffer)
        }
    }

    @Test func sizeLimitIsConfigurable() throws {
        var message = CoAPMessage(type: .confirmable, code: .post, messageID: 1)
        message.payload = ByteBuffer(repeating: 0x41, count: 1147)
        var exactly1152 = message.encoded()
        #expect(exactly1152.readableBytes == 1152)
        #expect(try CoAPMessage.decode(from: &exactly1152) == message)

        var small = message.encoded()
        #expect(throws: CoAPDecodeError.messageTooLarge(size: 1152, limit: 512)) {
            try CoAPMessage.decode(from: &small, maxSize: 512)
        }
    }

    @Test func electiveOptionsWithBadLengthOrRepeatsAreDropped() throws {
        // Content-Format of 3 bytes (max 2): elective, so ignored (RFC 7252 §5.4.3)
        var badLength = ByteBuffer(hex: "40010102c3000032")
        let first = try CoAPMessage.decode(from: &badLength)
        #expect(first.options.isEmpty)
        #expect(first.contentFormat == nil)

        // Content-Format twice: the second is ignored (RFC 7252 §5.4.5)
        var repeated = ByteBuffer(hex: "40010102c1320100")
        let second = try CoAPMessage.decode(from: &repeated)
        #expect(second.options.count == 1)
        #expect(second.contentFormat == .json)
    }

    @Test func unknownOptionsAreKept() throws {
        // Option 9 (critical, unregistered here) and 292 (Request-Tag, elective)
        var buffer = ByteBuffer(hex: "4001010291aae1000ebb")
        let message = try CoAPMessage.decode(from: &buffer)
        #expect(message.options.map(\.number.rawValue) == [9, 292])
        #expect(message.firstUnrecognizedCriticalOption(recognized: [.uriPath]) == CoAPOptionNumber(9))
        #expect(message.options[0].number.isRecognized == false)
    }

    @Test(arguments: cases)
    func descriptionNeverEchoesTheDatagram(_ testCase: HostileCase) {
        let description = testCase.error.description
        #expect(!description.isEmpty)
        #expect(description.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        if testCase.hex.count >= 8 {
            #expect(!description.contains(testCase.hex))
        }
    }

    @Test func descriptionOfATokenErrorHoldsNoTokenBytes() {
        var buffer = ByteBuffer(hex: "48010102deadbeef")
        do {
            _ = try CoAPMessage.decode(from: &buffer)
            Issue.record("a truncated token must not decode")
        } catch {
            #expect(error == .truncatedToken(length: 8, available: 4))
            #expect(!error.description.lowercased().contains("dead"))
            #expect(!error.description.contains("222"))  // 0xde as decimal
        }
    }

    @Test func responseCodes() {
        #expect(CoAPCode(CoAPDecodeError.invalidOptionLength(number: 3, length: 0)) == .badOption)
        #expect(CoAPCode(CoAPDecodeError.repeatedOption(number: 7)) == .badOption)
        #expect(CoAPCode(CoAPDecodeError.messageTooLarge(size: 2000, limit: 1152)) == .requestEntityTooLarge)
        #expect(CoAPCode(CoAPDecodeError.invalidBlockOption(number: 27)) == .badRequest)
        #expect(CoAPCode(CoAPDecodeError.emptyPayloadAfterMarker) == .badRequest)
    }
}
