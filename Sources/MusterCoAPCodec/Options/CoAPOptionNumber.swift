/// A CoAP option number (RFC 7252 §5.4.6, §12.2) with the registered numbers as constants.
///
/// The low bits classify the option: odd numbers are critical, bit 1 marks unsafe-to-forward, and
/// `number & 0x1E == 0x1C` marks NoCacheKey.
package struct CoAPOptionNumber: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number, 0…65535.
    package var rawValue: UInt16

    /// Creates an option number.
    /// - Parameter rawValue: The number.
    package init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Creates an option number from an integer literal-like value.
    /// - Parameter rawValue: The number.
    package init(_ rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Critical options (odd numbers) must be understood: a server rejects a confirmable request carrying an
    /// unrecognized critical option with 4.02 Bad Option (RFC 7252 §5.4.1).
    package var isCritical: Bool { rawValue & 0x01 != 0 }

    /// Elective options (even numbers) are ignored when unrecognized.
    package var isElective: Bool { !isCritical }

    /// Unsafe options must be understood by a proxy before it forwards the message (RFC 7252 §5.4.2).
    package var isUnsafe: Bool { rawValue & 0x02 != 0 }

    /// NoCacheKey options do not take part in a proxy's cache key (RFC 7252 §5.4.6).
    package var isNoCacheKey: Bool { rawValue & 0x1E == 0x1C }

    /// Whether this codec knows the option's format (see ``format``).
    package var isRecognized: Bool { format != nil }

    /// The option's registered name, or its number.
    package var description: String {
        Self.names[rawValue] ?? "Option(\(rawValue))"
    }

    package static func < (lhs: CoAPOptionNumber, rhs: CoAPOptionNumber) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    private static let names: [UInt16: String] = [
        1: "If-Match", 3: "Uri-Host", 4: "ETag", 5: "If-None-Match", 6: "Observe", 7: "Uri-Port",
        8: "Location-Path", 11: "Uri-Path", 12: "Content-Format", 14: "Max-Age", 15: "Uri-Query",
        17: "Accept", 20: "Location-Query", 23: "Block2", 27: "Block1", 28: "Size2", 35: "Proxy-Uri",
        39: "Proxy-Scheme", 60: "Size1", 258: "No-Response",
    ]
}

extension CoAPOptionNumber {
    /// 1 If-Match (opaque 0–8, repeatable).
    package static let ifMatch = CoAPOptionNumber(1)
    /// 3 Uri-Host (string 1–255).
    package static let uriHost = CoAPOptionNumber(3)
    /// 4 ETag (opaque 1–8, repeatable in requests).
    package static let eTag = CoAPOptionNumber(4)
    /// 5 If-None-Match (empty).
    package static let ifNoneMatch = CoAPOptionNumber(5)
    /// 6 Observe (uint 0–3, RFC 7641).
    package static let observe = CoAPOptionNumber(6)
    /// 7 Uri-Port (uint 0–2).
    package static let uriPort = CoAPOptionNumber(7)
    /// 8 Location-Path (string 0–255, repeatable).
    package static let locationPath = CoAPOptionNumber(8)
    /// 11 Uri-Path (string 0–255, repeatable): one path segment per option.
    package static let uriPath = CoAPOptionNumber(11)
    /// 12 Content-Format (uint 0–2).
    package static let contentFormat = CoAPOptionNumber(12)
    /// 14 Max-Age (uint 0–4).
    package static let maxAge = CoAPOptionNumber(14)
    /// 15 Uri-Query (string 0–255, repeatable): one `name=value` argument per option.
    package static let uriQuery = CoAPOptionNumber(15)
    /// 17 Accept (uint 0–2).
    package static let accept = CoAPOptionNumber(17)
    /// 20 Location-Query (string 0–255, repeatable).
    package static let locationQuery = CoAPOptionNumber(20)
    /// 23 Block2 (uint 0–3, RFC 7959): the block of a response body.
    package static let block2 = CoAPOptionNumber(23)
    /// 27 Block1 (uint 0–3, RFC 7959): the block of a request body.
    package static let block1 = CoAPOptionNumber(27)
    /// 28 Size2 (uint 0–4, RFC 7959): the size of the whole response body.
    package static let size2 = CoAPOptionNumber(28)
    /// 35 Proxy-Uri (string 1–1034).
    package static let proxyUri = CoAPOptionNumber(35)
    /// 39 Proxy-Scheme (string 1–255).
    package static let proxyScheme = CoAPOptionNumber(39)
    /// 60 Size1 (uint 0–4): the size of the whole request body.
    package static let size1 = CoAPOptionNumber(60)
    /// 258 No-Response (uint 0–1, RFC 7967).
    package static let noResponse = CoAPOptionNumber(258)
}
