import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Datagrams captured from libcoap and aiocoap")
struct CapturedClientTests {
    static let all: [Fixture] = [
        Fixture("libcoapProvisionPost", CapturedDatagrams.libcoapProvisionPost),
        Fixture("libcoapProvisionCreatedReply", CapturedDatagrams.libcoapProvisionCreatedReply),
        Fixture("libcoapAttributesGetWithQuery", CapturedDatagrams.libcoapAttributesGetWithQuery),
        Fixture("libcoapObserveRegister", CapturedDatagrams.libcoapObserveRegister),
        Fixture("listenerConfirmableNotification", CapturedDatagrams.listenerConfirmableNotification),
        Fixture("libcoapNotificationAcknowledgement", CapturedDatagrams.libcoapNotificationAcknowledgement),
        Fixture("libcoapObserveDeregister", CapturedDatagrams.libcoapObserveDeregister),
        Fixture("libcoapBlock1Post0", CapturedDatagrams.libcoapBlock1Post0),
        Fixture("libcoapBlock1ContinueReply0", CapturedDatagrams.libcoapBlock1ContinueReply0),
        Fixture("libcoapBlock1Post1", CapturedDatagrams.libcoapBlock1Post1),
        Fixture("libcoapBlock1Post2", CapturedDatagrams.libcoapBlock1Post2),
        Fixture("libcoapBlock1Post3", CapturedDatagrams.libcoapBlock1Post3),
        Fixture("libcoapBlock1CreatedReply3", CapturedDatagrams.libcoapBlock1CreatedReply3),
        Fixture("libcoapTelemetryNon", CapturedDatagrams.libcoapTelemetryNon),
        Fixture("aiocoapProvisionPost", CapturedDatagrams.aiocoapProvisionPost),
        Fixture("aiocoapAttributesGetWithQuery", CapturedDatagrams.aiocoapAttributesGetWithQuery),
        Fixture("aiocoapAttributesContentReply", CapturedDatagrams.aiocoapAttributesContentReply),
        Fixture("aiocoapObserveRegister", CapturedDatagrams.aiocoapObserveRegister),
        Fixture("aiocoapObserveContentReply", CapturedDatagrams.aiocoapObserveContentReply),
        Fixture("aiocoapNotificationAcknowledgement", CapturedDatagrams.aiocoapNotificationAcknowledgement),
        Fixture("aiocoapBlock1Post0", CapturedDatagrams.aiocoapBlock1Post0),
        Fixture("aiocoapBlock1Post1", CapturedDatagrams.aiocoapBlock1Post1),
        Fixture("aiocoapTelemetryNon", CapturedDatagrams.aiocoapTelemetryNon),
        Fixture("aiocoapTelemetryNonReply", CapturedDatagrams.aiocoapTelemetryNonReply),
    ]

    /// The bodies the capture sent: `0000,0001,…` for `count` numbers.
    private static func countingBody(_ count: Int) -> String {
        (0..<count).map { number in
            let digits = String(number)
            return String(repeating: "0", count: 4 - digits.count) + digits + ","
        }.joined()
    }

    private static func decode(_ hex: String) throws -> CoAPMessage {
        var buffer = ByteBuffer(hex: hex)
        return try CoAPMessage.decode(from: &buffer)
    }

    @Test("every captured datagram re-encodes to the same bytes", arguments: all)
    func roundTrip(fixture: Fixture) throws {
        var buffer = ByteBuffer(hex: fixture.hex)
        let original = buffer
        let message = try CoAPMessage.decode(from: &buffer)
        #expect(buffer.readableBytes == 0)
        #expect(message.encoded() == original, "\(fixture.name)")
        #expect(message.encodedSize == original.readableBytes)
    }

    @Test func libcoapProvisionPost() throws {
        let message = try Self.decode(CapturedDatagrams.libcoapProvisionPost)
        #expect(message.type == .confirmable)
        #expect(message.code == .post)
        #expect(message.token.count == 1)
        // libcoap sends Uri-Port (7, critical) even for an IP literal: the service must recognize it.
        #expect(message.uriPort == 56830)
        #expect(message.uriHost == nil)
        #expect(message.uriPath == ["api", "v1", "provision"])
        #expect(message.contentFormat == nil)
        #expect(String(buffer: message.payload) == #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#)
        let recognized: Set<CoAPOptionNumber> = [.uriPort, .uriPath]
        #expect(message.firstUnrecognizedCriticalOption(recognized: recognized) == nil)
        #expect(message.firstUnrecognizedCriticalOption(recognized: [.uriPath]) == .uriPort)
    }

    @Test func aiocoapProvisionPost() throws {
        let message = try Self.decode(CapturedDatagrams.aiocoapProvisionPost)
        #expect(message.type == .confirmable)
        #expect(message.code == .post)
        #expect(message.token.count == 2)
        #expect(message.uriPort == nil)
        #expect(message.uriPath == ["api", "v1", "provision"])
        #expect(String(buffer: message.payload) == #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#)
    }

    @Test(arguments: [
        Fixture("libcoap", CapturedDatagrams.libcoapAttributesGetWithQuery),
        Fixture("aiocoap", CapturedDatagrams.aiocoapAttributesGetWithQuery),
    ])
    func attributesGetWithQuery(fixture: Fixture) throws {
        let message = try Self.decode(fixture.hex)
        #expect(message.code == .get)
        #expect(message.uriPath == ["api", "v1", "TOKEN", "attributes"])
        #expect(message.uriPathString == "/api/v1/TOKEN/attributes")
        #expect(message.uriQueryItems == ["clientKeys=a", "sharedKeys=b"])
        #expect(message.uriQuery == ["clientKeys": ["a"], "sharedKeys": ["b"]])
        #expect(message.observe == nil)
    }

    @Test func observeRegistrationAndDeregistration() throws {
        for hex in [CapturedDatagrams.libcoapObserveRegister, CapturedDatagrams.aiocoapObserveRegister] {
            let register = try Self.decode(hex)
            #expect(register.code == .get)
            #expect(register.observe == 0)
            #expect(register.uriPath == ["api", "v1", "TOKEN", "attributes"])
        }
        let deregister = try Self.decode(CapturedDatagrams.libcoapObserveDeregister)
        #expect(deregister.observe == 1)

        let reply = try Self.decode(CapturedDatagrams.aiocoapObserveContentReply)
        #expect(reply.observe == 1)
        #expect(reply.contentFormat == .textPlain)
    }

    @Test func notificationAcknowledgementsAreEmpty() throws {
        let notification = try Self.decode(CapturedDatagrams.listenerConfirmableNotification)
        #expect(notification.type == .confirmable)
        #expect(notification.observe == 2)
        for hex in [
            CapturedDatagrams.libcoapNotificationAcknowledgement, CapturedDatagrams.aiocoapNotificationAcknowledgement,
        ] {
            let ack = try Self.decode(hex)
            #expect(ack.isEmpty)
            #expect(ack.type == .acknowledgement)
            #expect(ack.messageID == notification.messageID)
            #expect(ack == notification.makeEmptyAcknowledgement())
        }
    }

    @Test func libcoapBlock1TransferReassembles() throws {
        // Given the four 64-byte-block POSTs libcoap sent for a 200-byte body
        let posts = [
            CapturedDatagrams.libcoapBlock1Post0, CapturedDatagrams.libcoapBlock1Post1,
            CapturedDatagrams.libcoapBlock1Post2, CapturedDatagrams.libcoapBlock1Post3,
        ].map(ByteBuffer.init(hex:))
        var assembler = CoAPBlockAssembler<String>()
        var outcomes: [CoAPBlockAssembler<String>.Outcome] = []
        var decoded: [CoAPMessage] = []
        for var datagram in posts {
            let post = try CoAPMessage.decode(from: &datagram)
            decoded.append(post)
            #expect(post.uriPath == ["api", "v1", "TOKEN", "telemetry"])
            #expect(post.size1 == 200)
            // libcoap adds Request-Tag (292, elective): unregistered here, kept and ignorable.
            #expect(post.firstOption(CoAPOptionNumber(292)) != nil)
            // When each block goes through the assembler keyed by peer and path
            let block = try #require(post.block1)
            outcomes.append(
                try assembler.receive(block, payload: post.payload, size1: post.size1, for: "peer/telemetry"))
        }
        // Then the first three ask for more and the last one yields the body libcoap sent
        #expect(
            outcomes.prefix(3) == [
                .continue(CoAPBlockOption(number: 0, more: true, sizeExponent: 2)),
                .continue(CoAPBlockOption(number: 1, more: true, sizeExponent: 2)),
                .continue(CoAPBlockOption(number: 2, more: true, sizeExponent: 2)),
            ])
        let body = Self.countingBody(40)
        #expect(outcomes.last == .complete(body: ByteBuffer(string: body), block1: decoded[3].block1!))
        #expect(assembler.count == 0)

        // And the 2.31 reply the client accepted is what makeResponse + the outcome's Block1 produce
        var reply = decoded[0].makeResponse(code: .continue)
        if case .continue(let ack) = outcomes[0] { reply.block1 = ack }
        #expect(reply.encoded().hexString == CapturedDatagrams.libcoapBlock1ContinueReply0)
    }

    @Test func aiocoapBlock1TransferReassembles() throws {
        let first = try Self.decode(CapturedDatagrams.aiocoapBlock1Post0)
        let last = try Self.decode(CapturedDatagrams.aiocoapBlock1Post1)
        #expect(first.block1 == CoAPBlockOption(number: 0, more: true, sizeExponent: 6))
        #expect(first.size1 == 1500)
        #expect(first.payload.readableBytes == 1024)
        #expect(last.block1 == CoAPBlockOption(number: 1, more: false, sizeExponent: 6))

        var assembler = CoAPBlockAssembler<String>()
        _ = try assembler.receive(first.block1!, payload: first.payload, size1: first.size1, for: "k")
        let outcome = try assembler.receive(last.block1!, payload: last.payload, for: "k")
        let body = Self.countingBody(300)
        #expect(outcome == .complete(body: ByteBuffer(string: body), block1: last.block1!))
    }

    @Test func nonConfirmableTelemetry() throws {
        for hex in [CapturedDatagrams.libcoapTelemetryNon, CapturedDatagrams.aiocoapTelemetryNon] {
            let message = try Self.decode(hex)
            #expect(message.type == .nonConfirmable)
            #expect(message.code == .post)
            #expect(message.uriPath == ["api", "v1", "TOKEN", "telemetry"])
            #expect(String(buffer: message.payload) == #"{"temperature":42}"#)
            let reply = message.makeResponse(code: .created)
            #expect(reply.type == .nonConfirmable)
            #expect(reply.messageID == message.messageID)
        }
        let request = try Self.decode(CapturedDatagrams.aiocoapTelemetryNon)
        #expect(request.makeResponse(code: .created).encoded().hexString == CapturedDatagrams.aiocoapTelemetryNonReply)
    }
}
