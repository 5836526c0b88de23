import Foundation
import Hummingbird
import MusterCore
import NIOCore

/// Reading request bodies and writing JSON responses.
package enum JSONBody {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// The body's bytes, at most `limit` of them.
    /// - Throws: ``RequestError/bodyTooLarge(limit:)`` past the limit.
    package static func bytes(of request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw RequestError.bodyTooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw RequestError.bodyTooLarge(limit: limit)
        }
    }

    /// Decodes the body as JSON into `type`, whatever its Content-Type (the SDKs send `text/plain`).
    /// - Throws: ``RequestError`` naming what is wrong.
    package static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let body = try await bytes(of: request, limit: limit)
        guard !body.isEmpty else { throw RequestError.missingBody }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw RequestError.invalidBody(describe(error))
        }
    }

    /// A 200 (or `status`) response with `value` as JSON.
    package static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return raw(Array(data), status: status)
    }

    /// A response with already-encoded JSON bytes.
    package static func raw(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// An empty 200 response.
    package static func empty(status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentLength: "0"])
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the body" : "'\(joined)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "missing field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context): return "wrong type for \(path(context))"
        case .valueNotFound(_, let context): return "\(path(context)) must not be null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "invalid value for \(path(context)): \(context.debugDescription)"
        @unknown default: return "the body could not be read"
        }
    }
}

/// Problems with the request itself, before any domain rule runs.
package enum RequestError: Error, Equatable, Sendable {
    case missingBody
    case invalidBody(String)
    case bodyTooLarge(limit: Int)
    case invalidParameter(name: String, reason: String)
    case notFound
}
