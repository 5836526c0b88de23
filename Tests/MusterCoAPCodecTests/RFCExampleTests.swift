import MusterCoAPCodec
import NIOCore
import Testing

@Suite("RFC 7252, 7641 and 7959 example exchanges")
struct RFCExampleTests {
    private func decode(_ hex: String) throws -> CoAPMessage {
        var buffer = ByteBuffer(hex: hex)
        let message = try CoAPMessage.decode(from: &buffer)
        #expect(buffer.readableBytes == 0)
        return message
    }

    @Test func piggybackedResponseWithoutToken() throws {
        let request = try decode(RFCDatagrams.getTemperature)
        #expect(request.type == .confirmable)
        #expect(request.code == .get)
        #expect(request.messageID == 0x7d34)
        #expect(request.token.isEmpty)
        #expect(request.uriPath == ["temperature"])
        #expect(request.payload.readableBytes == 0)

        let response = try decode(RFCDatagrams.contentTemperature)
        #expect(response.type == .acknowledgement)
        #expect(response.code == .content)
        #expect(response.messageID == 0x7d34)
        #expect(response.options.isEmpty)
        #expect(String(buffer: response.payload) == "22.3 C")

        let built = request.makeResponse(code: .content, payload: ByteBuffer(string: "22.3 C"))
        #expect(built.encoded().hexString == RFCDatagrams.contentTemperature)
    }

    @Test func piggybackedResponseWithToken() throws {
        let request = try decode(RFCDatagrams.getTemperatureWithToken)
        #expect(request.token.bytes == [0x20])
        let response = try decode(RFCDatagrams.contentTemperatureWithToken)
        #expect(response.token == request.token)
        let built = request.makeResponse(code: .content, payload: ByteBuffer(string: "22.5 C"))
        #expect(built.encoded().hexString == RFCDatagrams.contentTemperatureWithToken)
    }

    @Test func separateResponse() throws {
        // Given a confirmable GET that the server cannot answer at once
        let request = try decode(RFCDatagrams.separateGet)
        // When the server accepts it with an empty ACK
        let accept = request.makeEmptyAcknowledgement()
        #expect(accept.encoded().hexString == RFCDatagrams.separateEmptyAcknowledgement)
        #expect(try decode(RFCDatagrams.separateEmptyAcknowledgement).isEmpty)
        // Then the response comes later as a CON with a new MID and the same token, and is acknowledged
        var later = CoAPMessage(type: .confirmable, code: .content, messageID: 0xad7b, token: request.token)
        later.payload = ByteBuffer(string: "22.3 C")
        #expect(later.encoded().hexString == RFCDatagrams.separateContent)
        let clientAck = try decode(RFCDatagrams.separateContent).makeEmptyAcknowledgement()
        #expect(clientAck.encoded().hexString == RFCDatagrams.separateContentAcknowledgement)
    }

    @Test func nonConfirmableRequestAndResponse() throws {
        let request = try decode(RFCDatagrams.nonConfirmableGet)
        #expect(request.type == .nonConfirmable)
        let response = request.makeResponse(code: .content, payload: ByteBuffer(string: "22.3 C"), messageID: 0xad7c)
        #expect(response.type == .nonConfirmable)
        #expect(response.encoded().hexString == RFCDatagrams.nonConfirmableContent)
    }

    @Test func pingIsAnsweredWithReset() throws {
        let ping = try decode(RFCDatagrams.ping)
        #expect(ping.isPing)
        #expect(ping.makeReset().encoded().hexString == RFCDatagrams.pingReset)
        #expect(try decode(RFCDatagrams.pingReset).type == .reset)
    }

    @Test func observeRegistrationAndNotifications() throws {
        let register = try decode(RFCDatagrams.observeRegister)
        #expect(register.observe == 0)
        #expect(register.uriPath == ["temperature"])
        #expect(register.options.map(\.number) == [.observe, .uriPath])

        var first = register.makeResponse(code: .content, payload: ByteBuffer(string: "22.9 Cel"))
        first.observe = 12
        #expect(first.encoded().hexString == RFCDatagrams.notification12)

        for (hex, sequence, text) in [
            (RFCDatagrams.notification44, UInt32(44), "22.8 Cel"), (RFCDatagrams.notification60, 60, "23.1 Cel"),
        ] {
            let notification = try decode(hex)
            #expect(notification.type == .nonConfirmable)
            #expect(notification.token == register.token)
            #expect(notification.observe == sequence)
            #expect(String(buffer: notification.payload) == text)
        }
    }

    @Test func block2Transfer() throws {
        // Given a 316-byte representation served in 128-byte blocks
        var body = ByteBuffer(repeating: 0x61, count: 128)
        body.writeRepeatingByte(0x62, count: 128)
        body.writeRepeatingByte(0x63, count: 60)
        let expected = [
            (RFCDatagrams.block2Get0, RFCDatagrams.block2Content0Header, UInt8(0x61), 128),
            (RFCDatagrams.block2Get1, RFCDatagrams.block2Content1Header, 0x62, 128),
            (RFCDatagrams.block2Get2, RFCDatagrams.block2Content2Header, 0x63, 60),
        ]
        for (requestHex, responseHeader, filler, length) in expected {
            // When each request is answered from the slicer with the server's preferred 128 bytes
            let request = try decode(requestHex)
            #expect(request.uriPath == ["status"])
            let slice = try CoAPBlockSlicer.slice(body, requested: request.block2, preferredSizeExponent: 3)
            var response = request.makeResponse(code: .content)
            response.setBody(slice)
            response.size2 = nil  // the RFC figure omits Size2
            // Then the bytes match the figure
            let payloadHex = String(repeating: String(filler, radix: 16), count: length)
            #expect(response.encoded().hexString == responseHeader + payloadHex)
        }
    }

    @Test func block1Transfer() throws {
        var assembler = CoAPBlockAssembler<String>(configuration: .init(preferredSizeExponent: 6))
        let put0 = try decode(RFCDatagrams.block1Put0Header + String(repeating: "61", count: 128))
        #expect(put0.code == .put)
        let block = try #require(put0.block1)
        #expect(block == CoAPBlockOption(number: 0, more: true, sizeExponent: 3))
        let outcome = try assembler.receive(block, payload: put0.payload, for: "peer/options")
        guard case .continue(let ack) = outcome else {
            Issue.record("expected 2.31 Continue, got \(outcome)")
            return
        }
        var response = put0.makeResponse(code: .continue)
        response.block1 = ack
        #expect(response.encoded().hexString == RFCDatagrams.block1Continue0)
    }

    @Test func block1TransferWithSmallerBlockSize() throws {
        // Given a server that prefers 32-byte blocks (RFC 7959 Figure 7)
        var assembler = CoAPBlockAssembler<String>(configuration: .init(preferredSizeExponent: 1))
        let put0 = try decode(RFCDatagrams.block1Put0Header + String(repeating: "61", count: 128))
        // When the client's first 128-byte block arrives, the server acknowledges it as 0/1/32
        let first = try assembler.receive(try #require(put0.block1), payload: put0.payload, for: "k")
        guard case .continue(let ack) = first else {
            Issue.record("expected 2.31 Continue, got \(first)")
            return
        }
        var response = put0.makeResponse(code: .continue)
        response.block1 = ack
        #expect(response.encoded().hexString == RFCDatagrams.block1ContinueSmaller0)
        // Then the client continues with block 4 of 32 bytes, which starts at byte 128
        let put4 = try decode(RFCDatagrams.block1Put4SmallerHeader + String(repeating: "62", count: 32))
        let block4 = try #require(put4.block1)
        #expect(block4 == CoAPBlockOption(number: 4, more: true, sizeExponent: 1))
        let next = try assembler.receive(block4, payload: put4.payload, for: "k")
        #expect(next == .continue(block4))
    }
}
