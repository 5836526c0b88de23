import MusterCoAPCodec
import NIOCore
import Testing

/// Every delta and length form of RFC 7252 §3.1: the nibble (0–12), the 1-byte extension (13: 13–268) and the
/// 2-byte extension (14: 269–65804). Expected bytes come from aiocoap's encoder.
@Suite("Option delta and length encodings")
struct CoAPOptionEncodingTests {
    struct DeltaCase: Sendable, CustomTestStringConvertible {
        let number: UInt16
        let hex: String
        var testDescription: String { "delta \(number)" }
    }

    struct LengthCase: Sendable, CustomTestStringConvertible {
        let length: Int
        let headerHex: String
        var testDescription: String { "length \(length)" }
    }

    /// CON GET MID 0x0102 with one empty option of the given number.
    static let deltas: [DeltaCase] = [
        DeltaCase(number: 0, hex: "4001010200"),
        DeltaCase(number: 1, hex: "4001010210"),
        DeltaCase(number: 12, hex: "40010102c0"),
        DeltaCase(number: 13, hex: "40010102d000"),
        DeltaCase(number: 14, hex: "40010102d001"),
        DeltaCase(number: 268, hex: "40010102d0ff"),
        DeltaCase(number: 269, hex: "40010102e00000"),
        DeltaCase(number: 270, hex: "40010102e00001"),
        DeltaCase(number: 65535, hex: "40010102e0fef2"),
    ]

    /// CON GET MID 0x0102 with option 1000 (delta 1000 = 14 + 0x02db) and a value of `length` bytes 0x78.
    static let lengths: [LengthCase] = [
        LengthCase(length: 0, headerHex: "40010102e002db"),
        LengthCase(length: 12, headerHex: "40010102ec02db"),
        LengthCase(length: 13, headerHex: "40010102ed02db00"),
        LengthCase(length: 14, headerHex: "40010102ed02db01"),
        LengthCase(length: 268, headerHex: "40010102ed02dbff"),
        LengthCase(length: 269, headerHex: "40010102ee02db0000"),
        LengthCase(length: 270, headerHex: "40010102ee02db0001"),
        LengthCase(length: 65804, headerHex: "40010102ee02dbffff"),
    ]

    @Test(arguments: deltas)
    func delta(_ testCase: DeltaCase) throws {
        let number = CoAPOptionNumber(testCase.number)
        let message = CoAPMessage(type: .confirmable, code: .get, messageID: 0x0102, options: [CoAPOption(number)])
        #expect(message.encoded().hexString == testCase.hex)

        var buffer = ByteBuffer(hex: testCase.hex)
        let decoded = try CoAPMessage.decode(from: &buffer)
        #expect(decoded.options == [CoAPOption(number)])
    }

    @Test(arguments: lengths)
    func length(_ testCase: LengthCase) throws {
        let value = ByteBuffer(repeating: 0x78, count: testCase.length)
        let option = CoAPOption(CoAPOptionNumber(1000), value: value)
        let message = CoAPMessage(type: .confirmable, code: .get, messageID: 0x0102, options: [option])
        var expected = ByteBuffer(hex: testCase.headerHex)
        expected.writeImmutableBuffer(value)
        let encoded = message.encoded()
        #expect(encoded == expected)
        #expect(message.encodedSize == expected.readableBytes)

        var buffer = expected
        let decoded = try CoAPMessage.decode(from: &buffer, maxSize: 70_000)
        #expect(decoded.options == [option])
        #expect(decoded.payload.readableBytes == 0)
    }

    @Test func deltasAccumulateAcrossOptions() throws {
        // Given options 11 ("a"), 11 ("b"), 280 ("c"), 1000 (""), 65535 ("z")
        let options = [
            CoAPOption(.uriPath, string: "a"), CoAPOption(.uriPath, string: "b"),
            CoAPOption(CoAPOptionNumber(280), string: "c"), CoAPOption(CoAPOptionNumber(1000)),
            CoAPOption(CoAPOptionNumber(65535), string: "z"),
        ]
        let message = CoAPMessage(type: .nonConfirmable, code: .post, messageID: 7, options: options)
        // Then deltas are 11, 0, 269, 720 and 64535, each in its shortest form
        let expected = "50020007" + "b161" + "0162" + "e1000063" + "e001c3" + "e1fb0a7a"
        #expect(message.encoded().hexString == expected)
        var buffer = ByteBuffer(hex: expected)
        #expect(try CoAPMessage.decode(from: &buffer).options == options)
    }

    @Test func encoderSortsOptionsStably() throws {
        // Given options added out of order, with two Uri-Path segments
        var message = CoAPMessage(type: .confirmable, code: .get, messageID: 1)
        message.options = [
            CoAPOption(.uriQuery, string: "q"), CoAPOption(.uriPath, string: "a"),
            CoAPOption(.observe, uint: 0), CoAPOption(.uriPath, string: "b"),
        ]
        // When encoded and decoded
        var buffer = message.encoded()
        let decoded = try CoAPMessage.decode(from: &buffer)
        // Then options come back sorted, the path segments in their order
        #expect(decoded.options.map(\.number) == [.observe, .uriPath, .uriPath, .uriQuery])
        #expect(decoded.uriPath == ["a", "b"])
    }

    @Test func addOptionKeepsOrder() {
        var message = CoAPMessage(type: .confirmable, code: .get, messageID: 1)
        message.addOption(CoAPOption(.uriQuery, string: "x=1"))
        message.addOption(CoAPOption(.uriPath, string: "a"))
        message.addOption(CoAPOption(.uriPath, string: "b"))
        message.addOption(CoAPOption(.observe, uint: 0))
        message.addOption(CoAPOption(.uriQuery, string: "y=2"))
        #expect(message.options.map(\.number) == [.observe, .uriPath, .uriPath, .uriQuery, .uriQuery])
        #expect(message.uriPath == ["a", "b"])
        #expect(message.uriQueryItems == ["x=1", "y=2"])
    }

    @Test(arguments: [
        (UInt32(0), ""), (1, "01"), (255, "ff"), (256, "0100"), (65535, "ffff"), (65536, "010000"),
        (0xFF_FFFF, "ffffff"), (0x0100_0000, "01000000"), (UInt32.max, "ffffffff"),
    ])
    func uintValuesAreMinimal(value: UInt32, hex: String) {
        let option = CoAPOption(.maxAge, uint: value)
        #expect(option.value.hexString == hex)
        #expect(option.uintValue == value)
    }

    @Test func uintValuesWithLeadingZerosAreAccepted() {
        #expect(CoAPOption(.contentFormat, bytes: [0x00, 0x32]).uintValue == 50)
        #expect(CoAPOption(.maxAge, bytes: [1, 2, 3, 4, 5]).uintValue == nil)
    }
}
