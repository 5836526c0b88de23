/// The 8-bit Code field of a CoAP message (RFC 7252 §3, §5.8, §5.9, §12.1), written `class.detail`.
///
/// Class 0 holds the request methods and the Empty code 0.00; classes 2, 4 and 5 hold responses;
/// classes 1, 3, 6 and 7 are reserved. The codec decodes any value and leaves reserved classes to the
/// service, which should answer a confirmable one with a Reset.
package struct CoAPCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte as it is carried on the wire (`class << 5 | detail`).
    package var rawValue: UInt8

    /// Creates a code from its wire byte.
    /// - Parameter rawValue: The byte, `class << 5 | detail`.
    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Creates a code from its class and detail.
    /// - Parameters:
    ///   - codeClass: The class, 0…7.
    ///   - detail: The detail, 0…31.
    package init(class codeClass: UInt8, detail: UInt8) {
        precondition(codeClass < 8 && detail < 32, "a CoAP code class is 3 bits and its detail 5 bits")
        self.rawValue = codeClass << 5 | detail
    }

    /// The class, the digit before the dot (0 request, 2 success, 4 client error, 5 server error).
    package var codeClass: UInt8 { rawValue >> 5 }

    /// The detail, the two digits after the dot.
    package var detail: UInt8 { rawValue & 0x1F }

    /// Whether this is the Empty code 0.00.
    package var isEmpty: Bool { rawValue == 0 }

    /// Whether this is a request method (class 0, detail 1…31).
    package var isRequest: Bool { codeClass == 0 && detail != 0 }

    /// Whether this is a response (class 2, 4 or 5).
    package var isResponse: Bool { codeClass == 2 || codeClass == 4 || codeClass == 5 }

    /// Whether the class is reserved (1, 3, 6 or 7).
    package var isReservedClass: Bool { !(codeClass == 0 || isResponse) }

    /// The code as `c.dd`, e.g. `2.05`.
    package var description: String {
        let detailText = detail < 10 ? "0\(detail)" : "\(detail)"
        return "\(codeClass).\(detailText)"
    }
}

// MARK: - Empty and request methods

extension CoAPCode {
    /// 0.00 Empty: only in an empty ACK, an empty RST or a CoAP ping (an empty CON).
    package static let empty = CoAPCode(rawValue: 0x00)
    /// 0.01 GET.
    package static let get = CoAPCode(rawValue: 0x01)
    /// 0.02 POST.
    package static let post = CoAPCode(rawValue: 0x02)
    /// 0.03 PUT.
    package static let put = CoAPCode(rawValue: 0x03)
    /// 0.04 DELETE.
    package static let delete = CoAPCode(rawValue: 0x04)
    /// 0.05 FETCH (RFC 8132).
    package static let fetch = CoAPCode(rawValue: 0x05)
    /// 0.06 PATCH (RFC 8132).
    package static let patch = CoAPCode(rawValue: 0x06)
    /// 0.07 iPATCH (RFC 8132).
    package static let iPatch = CoAPCode(rawValue: 0x07)
}

// MARK: - Responses

extension CoAPCode {
    /// 2.01 Created.
    package static let created = CoAPCode(class: 2, detail: 1)
    /// 2.02 Deleted.
    package static let deleted = CoAPCode(class: 2, detail: 2)
    /// 2.03 Valid.
    package static let valid = CoAPCode(class: 2, detail: 3)
    /// 2.04 Changed.
    package static let changed = CoAPCode(class: 2, detail: 4)
    /// 2.05 Content.
    package static let content = CoAPCode(class: 2, detail: 5)
    /// 2.31 Continue (RFC 7959): a Block1 block was received, send the next one.
    package static let `continue` = CoAPCode(class: 2, detail: 31)

    /// 4.00 Bad Request.
    package static let badRequest = CoAPCode(class: 4, detail: 0)
    /// 4.01 Unauthorized.
    package static let unauthorized = CoAPCode(class: 4, detail: 1)
    /// 4.02 Bad Option: an unrecognized or malformed critical option.
    package static let badOption = CoAPCode(class: 4, detail: 2)
    /// 4.03 Forbidden.
    package static let forbidden = CoAPCode(class: 4, detail: 3)
    /// 4.04 Not Found.
    package static let notFound = CoAPCode(class: 4, detail: 4)
    /// 4.05 Method Not Allowed.
    package static let methodNotAllowed = CoAPCode(class: 4, detail: 5)
    /// 4.06 Not Acceptable.
    package static let notAcceptable = CoAPCode(class: 4, detail: 6)
    /// 4.08 Request Entity Incomplete (RFC 7959): a Block1 block arrived out of order.
    package static let requestEntityIncomplete = CoAPCode(class: 4, detail: 8)
    /// 4.09 Conflict (RFC 8132).
    package static let conflict = CoAPCode(class: 4, detail: 9)
    /// 4.12 Precondition Failed.
    package static let preconditionFailed = CoAPCode(class: 4, detail: 12)
    /// 4.13 Request Entity Too Large.
    package static let requestEntityTooLarge = CoAPCode(class: 4, detail: 13)
    /// 4.15 Unsupported Content-Format.
    package static let unsupportedContentFormat = CoAPCode(class: 4, detail: 15)
    /// 4.22 Unprocessable Entity (RFC 8132).
    package static let unprocessableEntity = CoAPCode(class: 4, detail: 22)
    /// 4.29 Too Many Requests (RFC 8516).
    package static let tooManyRequests = CoAPCode(class: 4, detail: 29)

    /// 5.00 Internal Server Error.
    package static let internalServerError = CoAPCode(class: 5, detail: 0)
    /// 5.01 Not Implemented.
    package static let notImplemented = CoAPCode(class: 5, detail: 1)
    /// 5.02 Bad Gateway.
    package static let badGateway = CoAPCode(class: 5, detail: 2)
    /// 5.03 Service Unavailable.
    package static let serviceUnavailable = CoAPCode(class: 5, detail: 3)
    /// 5.04 Gateway Timeout.
    package static let gatewayTimeout = CoAPCode(class: 5, detail: 4)
    /// 5.05 Proxying Not Supported.
    package static let proxyingNotSupported = CoAPCode(class: 5, detail: 5)
}
