import MusterCoAPCodec
import MusterCore
import MusterProvisionWire
import NIOCore

extension CoAPRouter {
    /// `POST /api/v1/provision` (spec §3.3, decisions 7 and 10): JSON first, then protobuf; the answer in the
    /// request's format, 2.01 on SUCCESS, 4.00 on NOT_FOUND/FAILURE, 4.29 for a cooling-off source, 4.06 for an
    /// Accept that names another format. Every provisioning rule and their order are the core's
    /// (``ProvisionService/attempt(context:payload:decode:admit:)``); this only translates.
    func provision(_ request: CoAPMessage, body: ByteBuffer, block1: CoAPBlockOption?, peer: SocketAddress) async
        -> CoAPMessage
    {
        let attempt = await provisioning.attempt(
            context: ProvisionContext(transport: .coap, sourceAddress: peer.ipAddress ?? "unknown"),
            payload: { Array(body.readableBytesView) },
            decode: ProvisionPayload.decode,
            // The answer is in the request's format: JSON, or protobuf (octet-stream) for protobuf.
            admit: { format in Self.notAcceptable(request, answers: [format == .json ? .json : .octetStream]) }
        )
        return Self.response(to: request, attempt)
    }

    /// The CoAP answer of a provisioning attempt.
    static func response(to request: CoAPMessage, _ attempt: ProvisionAttempt<ProvisionPayloadFormat, CoAPMessage>)
        -> CoAPMessage
    {
        switch attempt {
        case .refused(let retryAfter):
            var response = request.makeResponse(
                code: .tooManyRequests,
                diagnostic: "too many failed provisioning attempts; retry in \(retryAfter) s"
            )
            response.maxAge = UInt32(clamping: retryAfter)
            return response
        case .malformed(let error):
            return request.makeResponse(code: .badRequest, diagnostic: diagnostic(error))
        case .declined(let response):
            return response
        case .answered(.failure(.failure(.storageFailure(let condition?))), _):
            return request.makeResponse(storeFailure: condition)
        case .answered(let result, let format):
            let code: CoAPCode
            switch result {
            case .success: code = .created
            case .failure(let error): code = CoAPCode(error)
            }
            var response = request.makeResponse(
                code: code,
                payload: ByteBuffer(bytes: ProvisionResponse.encode(result, format: format))
            )
            // JSON is labelled application/json (ThingsBoard says text/plain); protobuf has no registered format.
            if format == .json { response.contentFormat = .json }
            if case .failure(.rateLimited(let retryAfter)) = result { response.maxAge = UInt32(clamping: retryAfter) }
            return response
        }
    }

    /// The diagnostic of a payload that is not a provisioning request; it names fields, never values.
    static func diagnostic(_ error: ProvisionRequestError) -> String {
        switch error {
        case .invalidJSON, .notAnObject, .invalidProtobuf: "provision request is neither a JSON object nor protobuf"
        case .missingField(let field): "missing field \(field)"
        case .wrongType(let field): "field \(field) has a wrong type"
        case .unknownCredentialsType: "unknown credentialsType"
        }
    }
}
