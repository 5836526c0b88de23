import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Encode → decode round trips")
struct CoAPMessageRoundTripTests {
    @Test(arguments: CoAPMessageType.allCases, [0, 1, 4, 8])
    func typesAndTokenLengths(type: CoAPMessageType, tokenLength: Int) throws {
        let token = CoAPToken(bytes: (0..<tokenLength).map { UInt8(0xA0 + $0) })!
        var message = CoAPMessage(type: type, code: .content, messageID: 0xFFFF, token: token)
        message.contentFormat = .json
        message.payload = ByteBuffer(string: #"{"ok":true}"#)
        var buffer = message.encoded()
        #expect(buffer.readableBytes == message.encodedSize)
        #expect(buffer.getInteger(at: 0, as: UInt8.self) == 0x40 | type.rawValue << 4 | UInt8(tokenLength))
        #expect(try CoAPMessage.decode(from: &buffer) == message)
    }

    @Test(arguments: [
        CoAPCode.get, .post, .put, .delete, .fetch, .created, .changed, .content, .continue, .badRequest,
        .unauthorized, .badOption, .notFound, .methodNotAllowed, .requestEntityIncomplete,
        .requestEntityTooLarge, .unsupportedContentFormat, .tooManyRequests, .internalServerError,
        .serviceUnavailable,
    ])
    func codes(code: CoAPCode) throws {
        let message = CoAPMessage(type: .nonConfirmable, code: code, messageID: 42, token: CoAPToken(bytes: [7])!)
        var buffer = message.encoded()
        #expect(try CoAPMessage.decode(from: &buffer).code == code)
    }

    @Test func emptyMessages() throws {
        for type in CoAPMessageType.allCases {
            let message = CoAPMessage(type: type, code: .empty, messageID: 0x1234)
            #expect(message.isEmpty)
            var buffer = message.encoded()
            #expect(buffer.readableBytes == 4)
            #expect(try CoAPMessage.decode(from: &buffer) == message)
        }
    }

    @Test func largestPayloadAndOptionsTogether() throws {
        var message = CoAPMessage(type: .confirmable, code: .post, messageID: 1, token: CoAPToken(bytes: [1, 2])!)
        message.uriPath = ["api", "v1", String(repeating: "t", count: 255), "telemetry"]
        message.uriQueryItems = [String(repeating: "q", count: 13), String(repeating: "r", count: 269 - 14)]
        message.payload = ByteBuffer(repeating: 0x5A, count: 500)
        var buffer = message.encoded()
        #expect(try CoAPMessage.decode(from: &buffer) == message)
    }

    @Test func payloadStartingWithMarkerByte() throws {
        var message = CoAPMessage(type: .confirmable, code: .post, messageID: 1)
        message.payload = ByteBuffer(bytes: [0xFF, 0xFF, 0x00])
        var buffer = message.encoded()
        #expect(buffer.hexString == "40020001ffffff00")
        #expect(try CoAPMessage.decode(from: &buffer).payload == message.payload)
    }

    @Test func decodeConsumesTheWholeDatagramAndSlicesThePayload() throws {
        var buffer = ByteBuffer(hex: "6145abcd7ac0ff68656c6c6f")
        let message = try CoAPMessage.decode(from: &buffer)
        #expect(buffer.readableBytes == 0)
        #expect(String(buffer: message.payload) == "hello")
        #expect(message.contentFormat == .textPlain)
    }
}
