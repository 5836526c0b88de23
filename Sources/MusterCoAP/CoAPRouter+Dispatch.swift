import Foundation
import MusterCoAPCodec
import NIOCore

extension CoAPRouter {
    /// Routes a request to its resource by method and Uri-Path (spec §3.3, §3.4):
    ///
    /// - `POST /api/v1/provision`
    /// - `POST /api/v1/{token}/telemetry`, `POST /api/v1/{token}/attributes`
    /// - `GET /api/v1/{token}/attributes` (with Observe 0/1 to register/deregister)
    /// - `GET /.well-known/core`
    ///
    /// Block1 requests are reassembled first; the resource sees the whole body.
    func dispatch(_ request: CoAPMessage, from peer: SocketAddress, transferKey: CoAPTransferKey) async -> CoAPMessage?
    {
        let path = request.uriPath
        if path == [".well-known", "core"] {
            guard request.code == .get else { return request.makeResponse(code: .methodNotAllowed) }
            return Self.notAcceptable(request, answers: [.linkFormat]) ?? wellKnownCore(request)
        }
        guard path.count == 3 || path.count == 4, path[0] == "api", path[1] == "v1" else {
            return request.makeResponse(code: .notFound)
        }
        if path.count == 3 {
            guard path[2] == "provision" else { return request.makeResponse(code: .notFound) }
            guard request.code == .post else { return request.makeResponse(code: .methodNotAllowed) }
            if let refusal = Self.unsupportedContentFormat(request, reads: Self.provisionRequestFormats) {
                return refusal
            }
            return await withBody(request, key: transferKey) { body, block1 in
                await provision(request, body: body, block1: block1, peer: peer)
            }
        }
        // A client that did not decode its URI sends `a%20b` as the option; decode it as the HTTP API does.
        let token = path[2].removingPercentEncoding ?? path[2]
        switch (path[3], request.code) {
        case ("telemetry", .post):
            if let refusal = Self.unsupportedContentFormat(request, reads: Self.uploadFormats) { return refusal }
            return await withBody(request, key: transferKey) { body, block1 in
                await post(.telemetry, request, token: token, body: body, block1: block1)
            }
        case ("attributes", .post):
            if let refusal = Self.unsupportedContentFormat(request, reads: Self.uploadFormats) { return refusal }
            return await withBody(request, key: transferKey) { body, block1 in
                await post(.attributes, request, token: token, body: body, block1: block1)
            }
        case ("attributes", .get):
            if let refusal = Self.notAcceptable(request, answers: [.json]) { return refusal }
            return await readAttributes(request, token: token, peer: peer)
        case ("telemetry", _), ("attributes", _):
            return request.makeResponse(code: request.code == .get ? .badRequest : .methodNotAllowed)
        default:
            return request.makeResponse(code: .notFound)
        }
    }

    /// Calls `handler` with the whole request body: at once without Block1, or once the last block arrived
    /// (earlier blocks are answered 2.31 Continue; RFC 7959 §2.3).
    private func withBody(
        _ request: CoAPMessage,
        key: CoAPTransferKey,
        _ handler: (ByteBuffer, CoAPBlockOption?) async -> CoAPMessage
    ) async -> CoAPMessage {
        guard let block1 = request.block1 else { return await handler(request.payload, nil) }
        do {
            switch try state.receiveBlock(block1, payload: request.payload, size1: request.size1, for: key) {
            case .continue(let option):
                var response = request.makeResponse(code: .continue)
                response.block1 = option
                return response
            case .complete(let body, let option):
                var response = await handler(body, option)
                response.block1 = option
                return response
            }
        } catch {
            var response = request.makeResponse(code: CoAPCode(error), diagnostic: error.description)
            if case .bodyTooLarge(let limit) = error { response.size1 = UInt32(clamping: limit) }
            return response
        }
    }

    /// `GET /.well-known/core` (RFC 6690): the resources in CoRE Link Format.
    private func wellKnownCore(_ request: CoAPMessage) -> CoAPMessage {
        let links = [
            #"</api/v1/provision>;rt="provision";title="POST a provisioning request (JSON or protobuf)""#,
            #"</api/v1/{token}/telemetry>;rt="telemetry";title="POST telemetry with an access token""#,
            #"</api/v1/{token}/attributes>;rt="attributes";obs;title="POST client attributes, GET or observe""#,
        ]
        var response = request.makeResponse(code: .content, payload: ByteBuffer(string: links.joined(separator: ",")))
        response.contentFormat = .linkFormat
        return response
    }
}
