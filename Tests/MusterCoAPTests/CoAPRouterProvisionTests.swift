import Foundation
import MusterCoAP
import MusterCoAPCodec
import MusterCore
import MusterTestSupport
import NIOCore
import Testing

@Suite("CoAP router: provisioning, deduplication, block-wise")
struct CoAPRouterProvisionTests {
    @Test("POST /api/v1/provision answers 2.01 with the JSON answer as application/json; a wrong secret 4.00 NOT_FOUND")
    func provisionAndWrongSecret() async throws {
        let harness = try await RouterHarness.make()
        let profile = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "k1", secret: "s1")
        _ = profile
        let body = RouterHarness.provisionJSON(name: "coap-1", key: "k1", secret: "s1")
        let reply = try #require(
            try await harness.send(RouterHarness.request(.post, "api/v1/provision", payload: body))
        )
        #expect(reply.type == .acknowledgement && reply.code == .created)
        #expect(reply.contentFormat == .json)
        #expect(try reply.json()["status"] == .string("SUCCESS"))
        #expect(try reply.json()["credentialsType"] == .string("ACCESS_TOKEN"))

        let wrong = RouterHarness.provisionJSON(name: "coap-1", key: "k1", secret: "nope")
        let refused = try #require(
            try await harness.send(RouterHarness.request(.post, "api/v1/provision", payload: wrong))
        )
        #expect(refused.code == .badRequest)
        #expect(refused.text == #"{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}"#)
    }

    @Test("A retransmitted CON is answered from the cache with the same bytes, and processed once")
    func retransmission() async throws {
        // A failed attempt counts against the source's limit of 2: were a retransmission processed again, the
        // copies would count too, and the source would be refused (4.29) before the next new request.
        let harness = try await RouterHarness.make(failureLimit: 2)
        _ = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "k2", secret: "s2")
        let wrong = RouterHarness.provisionJSON(name: "dup", key: "k2", secret: "wrong")
        let request = RouterHarness.request(.post, "api/v1/provision", payload: wrong, messageID: 77)
        let first = await harness.router.handle(request.encoded(), from: harness.peer)
        let second = await harness.router.handle(request.encoded(), from: harness.peer)
        let third = await harness.router.handle(request.encoded(), from: harness.peer)
        #expect(first != nil && first == second && second == third)

        let next = RouterHarness.request(.post, "api/v1/provision", payload: wrong, messageID: 78)
        #expect(try await harness.send(next)?.code == .badRequest)  // the second failure: still answered
        let after = RouterHarness.request(.post, "api/v1/provision", payload: wrong, messageID: 79)
        #expect(try await harness.send(after)?.code == .tooManyRequests)  // the limit is reached only now
    }

    @Test("A refused source gets 4.29 with Max-Age")
    func rateLimited() async throws {
        let harness = try await RouterHarness.make(failureLimit: 2)
        _ = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "k3", secret: "s3")
        var last: CoAPMessage?
        for _ in 0..<4 {
            let body = RouterHarness.provisionJSON(name: "x", key: "k3", secret: "bad")
            last = try await harness.send(RouterHarness.request(.post, "api/v1/provision", payload: body))
        }
        #expect(last?.code == .tooManyRequests)
        #expect(last?.maxAge != nil)
    }

    @Test("Protobuf in, protobuf out, without Content-Format")
    func protobuf() async throws {
        let harness = try await RouterHarness.make()
        _ = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "pk", secret: "ps")
        // ProvisionDeviceRequestMsg{deviceName:"pb", provisionDeviceCredentialsMsg{key:"pk", secret:"ps"}}
        let bytes: [UInt8] = [0x0A, 2, 0x70, 0x62, 0x1A, 8, 0x0A, 2, 0x70, 0x6B, 0x12, 2, 0x70, 0x73]
        var request = RouterHarness.request(.post, "api/v1/provision")
        request.payload = ByteBuffer(bytes: bytes)
        let reply = try #require(try await harness.send(request))
        #expect(reply.code == .created && reply.contentFormat == nil)
        #expect(reply.payload.readableBytesView.first == 0x08)  // field 1 (status) varint
    }

    @Test("A body sent in Block1 blocks with a new token each time is reassembled by peer and path")
    func block1() async throws {
        let harness = try await RouterHarness.make()
        _ = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "bk", secret: "bs")
        let padding = String(repeating: " ", count: 300)
        let body = Array(RouterHarness.provisionJSON(name: "blocky", key: "bk", secret: "bs" + "").utf8)
        let whole = Array(("{" + padding + String(decoding: body.dropFirst(), as: UTF8.self)).utf8)
        let blocks = stride(from: 0, to: whole.count, by: 128).map { Array(whole[$0..<min($0 + 128, whole.count)]) }
        var last: CoAPMessage?
        for (index, block) in blocks.enumerated() {
            var request = RouterHarness.request(.post, "api/v1/provision", token: [UInt8(index)])
            request.payload = ByteBuffer(bytes: block)
            request.block1 = CoAPBlockOption(number: UInt32(index), more: index < blocks.count - 1, sizeExponent: 3)
            last = try await harness.send(request)
            if index < blocks.count - 1 { #expect(last?.code == .continue) }
        }
        #expect(last?.code == .created)
        #expect(last?.block1?.more == false)
    }

    @Test("A block out of order gets 4.08")
    func block1OutOfOrder() async throws {
        let harness = try await RouterHarness.make()
        var request = RouterHarness.request(.post, "api/v1/provision", payload: String(repeating: "x", count: 16))
        request.block1 = CoAPBlockOption(number: 2, more: true, sizeExponent: 0)
        let reply = try await harness.send(request)
        #expect(reply?.code == .requestEntityIncomplete)
    }

    @Test("Unknown critical option 4.02, message format error Reset, ping Reset, GET on provision 4.05")
    func protocolErrors() async throws {
        let harness = try await RouterHarness.make()
        var critical = RouterHarness.request(.post, "api/v1/provision", payload: "{}")
        critical.addOption(CoAPOption(CoAPOptionNumber(2049), bytes: [1]))
        #expect(try await harness.send(critical)?.code == .badOption)

        // CON POST, token 1 byte, option delta 15 (reserved): a message format error is rejected (RFC 7252 §4.2).
        let malformed = try await harness.sendBytes(ByteBuffer(bytes: [0x41, 0x02, 0x00, 0x01, 0xAA, 0xF1, 0x00]))
        #expect(malformed?.type == .reset && malformed?.messageID == 1)
        // The same as NON is ignored.
        #expect(try await harness.sendBytes(ByteBuffer(bytes: [0x51, 0x02, 0x00, 0x02, 0xAA, 0xF1, 0x00])) == nil)
        #expect(try await harness.sendBytes(ByteBuffer(bytes: [0x01])) == nil)

        let ping = try await harness.sendBytes(ByteBuffer(bytes: [0x40, 0x00, 0x12, 0x34]))
        #expect(ping?.type == .reset && ping?.messageID == 0x1234)
        #expect(try await harness.send(RouterHarness.request(.get, "api/v1/provision"))?.code == .methodNotAllowed)
        #expect(try await harness.send(RouterHarness.request(.get, "nowhere"))?.code == .notFound)
    }

    @Test("/.well-known/core lists the resources in link format")
    func wellKnownCore() async throws {
        let harness = try await RouterHarness.make()
        let reply = try #require(try await harness.send(RouterHarness.request(.get, ".well-known/core")))
        #expect(reply.code == .content && reply.contentFormat == .linkFormat)
        #expect(reply.text.contains("</api/v1/provision>"))
    }
}

@Suite("CoAP router: non-confirmable requests")
struct CoAPRouterNonConfirmableTests {
    @Test("A NON request gets a NON response with the request's token and a Message ID of its own")
    func nonConfirmable() async throws {
        let harness = try await RouterHarness.make()
        let request = RouterHarness.request(.get, ".well-known/core", messageID: 500, type: .nonConfirmable)
        let reply = try #require(try await harness.send(request))
        #expect(reply.type == .nonConfirmable && reply.token == request.token && reply.code == .content)
        // A duplicate NON is answered from the cache, with the same bytes.
        let first = await harness.router.handle(request.encoded(), from: harness.peer)
        #expect(first == (await harness.router.handle(request.encoded(), from: harness.peer)))
    }
}
