import Foundation
import Hummingbird
import NIOCore

/// An error response in ThingsBoard's shape: `{"status":…,"message":…,"errorCode":…,"timestamp":…}`.
package struct ThingsBoardError: HTTPResponseError, Equatable {
    /// ThingsBoard's `ThingsboardErrorCode` numbers.
    package enum Code: Int, Sendable {
        case general = 2
        case authentication = 10
        case jwtExpired = 11
        case permissionDenied = 20
        case invalidArguments = 30
        case badRequestParams = 31
        case itemNotFound = 32
        case tooManyRequests = 33
        case versionConflict = 35
    }

    package var status: HTTPResponse.Status
    package var message: String
    package var code: Code
    /// Extra headers (e.g. `Retry-After`).
    package var headers: HTTPFields

    package init(_ status: HTTPResponse.Status, _ message: String, code: Code, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        let timestamp = Int64(Date().timeIntervalSince1970 * 1000)
        var body = "{\"status\":\(status.code),\"message\":"
        body += jsonQuoted(message)
        body += ",\"errorCode\":\(code.rawValue),\"timestamp\":\(timestamp)}"
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// `text` as a JSON string literal.
func jsonQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case let control where control.value < 0x20: out += String(format: "\\u%04x", control.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
