import Foundation
import MusterCoAP
import MusterCoAPCodec
import MusterCore
import MusterTestSupport
import NIOCore
import Testing

/// Issue 20's CoAP rules in the router, where Muster follows RFC 7252/7959 rather than ThingsBoard.
@Suite("CoAP router: RFC rules (Accept, Content-Format, 4.13, format errors, block-wise notifications)")
struct CoAPRouterProtocolRulesTests {
    @Test("An unsupported Content-Format on POST is 4.15; an Accept the resource cannot meet is 4.06")
    func contentFormats() async throws {
        let harness = try await RouterHarness.make()
        let (token, _) = try await CoAPRouterDeviceAPITests.provision(harness, name: "formats")
        var cbor = RouterHarness.request(.post, "api/v1/provision", payload: "{}")
        cbor.contentFormat = .cbor
        #expect(try await harness.send(cbor)?.code == .unsupportedContentFormat)
        var telemetry = RouterHarness.request(.post, "api/v1/\(token)/telemetry", payload: #"{"t":1}"#)
        telemetry.contentFormat = .xml
        #expect(try await harness.send(telemetry)?.code == .unsupportedContentFormat)
        telemetry.contentFormat = .json
        telemetry.messageID &+= 1  // a new request, not a duplicate
        #expect(try await harness.send(telemetry)?.code == .created)

        var accept = RouterHarness.request(.get, "api/v1/\(token)/attributes")
        accept.accept = .textPlain
        #expect(try await harness.send(accept)?.code == .notAcceptable)
        // The provisioning answer is in the request's format: JSON here, so octet-stream cannot be met.
        var provision = RouterHarness.request(
            .post,
            "api/v1/provision",
            payload: RouterHarness.provisionJSON(
                name: "accept",
                key: "no-key",
                secret: "s"
            )
        )
        provision.accept = .octetStream
        #expect(try await harness.send(provision)?.code == .notAcceptable)
    }

    @Test("A datagram larger than the limit is 4.13 with Size1 and no made-up size")
    func oversizeDatagram() async throws {
        let harness = try await RouterHarness.make()
        var request = RouterHarness.request(.post, "api/v1/provision", payload: String(repeating: "x", count: 1200))
        request.messageID = 77
        let reply = try #require(try await harness.send(request))
        #expect(reply.code == .requestEntityTooLarge && reply.size1 == 1152)
        #expect(reply.text == "message exceeds the limit of 1152 bytes")
    }

    @Test(
        "Message format errors in a CON are rejected with a Reset",
        arguments: [
            [0x41, 0x02, 0x00, 0x05, 0xAA, 0xB3, 0x61, 0x70, 0x69, 0xFF] as [UInt8],  // payload marker, no payload
            [0x41, 0x02, 0x00, 0x05, 0xAA, 0xB5, 0x61, 0x70],  // option value truncated
            [0x41, 0x02, 0x00, 0x05, 0xAA, 0xD1],  // extended option delta truncated
        ]
    )
    func formatErrorsAreReset(bytes: [UInt8]) async throws {
        let harness = try await RouterHarness.make()
        let reply = try #require(try await harness.sendBytes(ByteBuffer(bytes: bytes)))
        #expect(reply.type == .reset && reply.code == .empty && reply.messageID == 5)
    }

    @Test("A notification larger than a block carries Block2 and Size2; the rest is fetched with GET")
    func blockWiseNotification() async throws {
        let harness = try await RouterHarness.make()
        let (token, id) = try await CoAPRouterDeviceAPITests.provision(harness, name: "bignotify")
        var register = RouterHarness.request(.get, "api/v1/\(token)/attributes", token: [5, 5])
        register.observe = 0
        #expect(try await harness.send(register)?.observe != nil)

        let big = String(repeating: "a", count: 3000)
        try await harness.telemetry.saveAttributes(
            .device,
            id: id,
            scope: .shared,
            body: Array(#"{"big":"\#(big)"}"#.utf8),
            tenantId: harness.fixture.tenant.id
        )
        var iterator = harness.notifier.notifications.makeAsyncIterator()
        let change = try #require(await iterator.next())
        var bytes = try #require(harness.router.datagram(for: change)).envelope.data
        let notification = try CoAPMessage.decode(from: &bytes)
        #expect(notification.observe != nil && notification.token == CoAPToken(bytes: [5, 5]))
        let first = try #require(notification.block2)
        #expect(first.number == 0 && first.more && notification.payload.readableBytes == 1024)
        let total = Int(try #require(notification.size2))

        var body = notification.text
        var number: UInt32 = 1
        while body.utf8.count < total {
            var next = RouterHarness.request(.get, "api/v1/\(token)/attributes", token: [6, number.bigEndianByte])
            next.block2 = CoAPBlockOption(number: number, more: false, sizeExponent: 6)
            let reply = try #require(try await harness.send(next))
            #expect(reply.code == .content && reply.block2?.number == number)
            body += reply.text
            number += 1
            if reply.block2?.more == false { break }
        }
        #expect(try JSONParser.parse(Array(body.utf8)) == .object(["big": .string(big)]))
    }
}

extension UInt32 {
    fileprivate var bigEndianByte: UInt8 { UInt8(truncatingIfNeeded: self) }
}
