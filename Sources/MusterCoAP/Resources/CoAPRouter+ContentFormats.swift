import MusterCoAPCodec

/// Which Content-Formats each resource reads and answers with. Here Muster follows RFC 7252 rather than
/// ThingsBoard, which ignores both options.
extension CoAPRouter {
    /// What `POST /api/v1/provision` reads: JSON (unlabelled, text/plain or application/json) or protobuf
    /// (application/octet-stream).
    static let provisionRequestFormats: [CoAPContentFormat] = [.textPlain, .json, .octetStream]
    /// What telemetry and attribute uploads read: JSON, unlabelled or as text/plain or application/json.
    static let uploadFormats: [CoAPContentFormat] = [.textPlain, .json]

    /// 4.15 Unsupported Content-Format for a request body in a format the resource does not read (RFC 7252
    /// §5.9.2.9); `nil` when the format is absent or read.
    static func unsupportedContentFormat(_ request: CoAPMessage, reads formats: [CoAPContentFormat]) -> CoAPMessage? {
        guard let format = request.contentFormat, !formats.contains(format) else { return nil }
        return request.makeResponse(
            code: .unsupportedContentFormat,
            diagnostic: "Content-Format \(format.rawValue) is not supported; use \(list(formats))"
        )
    }

    /// 4.06 Not Acceptable when the request's Accept names a format the resource cannot answer with (RFC 7252
    /// §5.10.4); `nil` when Accept is absent or can be met.
    static func notAcceptable(_ request: CoAPMessage, answers formats: [CoAPContentFormat]) -> CoAPMessage? {
        guard let accept = request.accept, !formats.contains(accept) else { return nil }
        return request.makeResponse(
            code: .notAcceptable,
            diagnostic: "cannot answer in Content-Format \(accept.rawValue); available: \(list(formats))"
        )
    }

    private static func list(_ formats: [CoAPContentFormat]) -> String {
        formats.map { "\($0.rawValue) (\($0))" }.joined(separator: ", ")
    }
}
