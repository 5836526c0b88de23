import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Responses, empty messages and header peeking")
struct CoAPMessageResponseTests {
    private let token = CoAPToken(bytes: [0xDE, 0xAD])!

    @Test func confirmableRequestGetsAPiggybackedAcknowledgement() {
        let request = CoAPMessage(type: .confirmable, code: .post, messageID: 0x1111, token: token)
        let response = request.makeResponse(code: .created, payload: ByteBuffer(string: "{}"), messageID: 0x9999)
        #expect(response.type == .acknowledgement)
        #expect(response.messageID == 0x1111)
        #expect(response.token == token)
        #expect(response.code == .created)
    }

    @Test func nonConfirmableRequestGetsANonConfirmableResponse() {
        let request = CoAPMessage(type: .nonConfirmable, code: .get, messageID: 0x2222, token: token)
        #expect(request.makeResponse(code: .content).type == .nonConfirmable)
        #expect(request.makeResponse(code: .content).messageID == 0x2222)
        #expect(request.makeResponse(code: .content, messageID: 0x3333).messageID == 0x3333)
    }

    @Test func diagnosticResponseIsTextPlain() throws {
        let request = CoAPMessage(type: .confirmable, code: .post, messageID: 1, token: token)
        let response = request.makeResponse(code: .badRequest, diagnostic: "missing provisionDeviceKey")
        #expect(response.contentFormat == .textPlain)
        #expect(String(buffer: response.payload) == "missing provisionDeviceKey")
    }

    @Test func emptyAcknowledgementAndReset() {
        let request = CoAPMessage(type: .confirmable, code: .post, messageID: 0x4444, token: token)
        let ack = request.makeEmptyAcknowledgement()
        #expect(ack.isEmpty && ack.type == .acknowledgement && ack.messageID == 0x4444)
        let reset = request.makeReset()
        #expect(reset.isEmpty && reset.type == .reset && reset.messageID == 0x4444)
        #expect(reset.encoded().hexString == "70004444")
    }

    @Test func peekReadsTheHeaderOfAMalformedDatagram() throws {
        // Given a confirmable POST with a 2-byte token whose Uri-Host is empty (a bad critical option)
        var datagram = ByteBuffer(hex: "42025555dead30")
        #expect(throws: CoAPDecodeError.invalidOptionLength(number: 3, length: 0)) {
            try CoAPMessage.decode(from: &datagram)
        }
        // When the service peeks at the header
        let header = try #require(CoAPMessageHeader.peek(datagram))
        #expect(header == CoAPMessageHeader(type: .confirmable, code: .post, messageID: 0x5555, token: token))
        // Then it can answer 4.02 with the error as diagnostic, or reset
        let error = CoAPDecodeError.invalidOptionLength(number: 3, length: 0)
        let response = try #require(header.makeResponse(code: CoAPCode(error), diagnostic: error.description))
        #expect(response.type == .acknowledgement)
        #expect(response.code == .badOption)
        #expect(response.messageID == 0x5555)
        #expect(response.token == token)
        #expect(String(buffer: response.payload) == "option 3 has invalid length 0")
        #expect(header.makeReset().encoded().hexString == "70005555")
    }

    @Test func peekWithoutAReadableToken() throws {
        let header = try #require(CoAPMessageHeader.peek(ByteBuffer(hex: "4901aaaa")))
        #expect(header.token == nil)
        #expect(header.makeResponse(code: .badRequest, diagnostic: "x") == nil)
        #expect(CoAPMessageHeader.peek(ByteBuffer(hex: "44010102aa"))?.token == nil)
    }

    @Test func peekRejectsShortOrForeignDatagrams() {
        #expect(CoAPMessageHeader.peek(ByteBuffer(hex: "400101")) == nil)
        #expect(CoAPMessageHeader.peek(ByteBuffer(hex: "80010101")) == nil)
    }

    @Test func noResponseToAMalformedResponse() throws {
        let header = try #require(CoAPMessageHeader.peek(ByteBuffer(hex: "6045aaaaff")))
        #expect(header.makeResponse(code: .badRequest, diagnostic: "x") == nil)
    }
}
