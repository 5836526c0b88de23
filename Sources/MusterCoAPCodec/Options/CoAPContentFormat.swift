/// A Content-Format or Accept value (RFC 7252 §12.3 and the IANA CoAP Content-Formats registry).
package struct CoAPContentFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The registered number.
    package var rawValue: UInt16

    /// Creates a content format.
    /// - Parameter rawValue: The registered number.
    package init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 0 `text/plain; charset=utf-8` (what ThingsBoard's `CoapExchange.respond(code, String)` sets).
    package static let textPlain = CoAPContentFormat(rawValue: 0)
    /// 40 `application/link-format` (RFC 6690, `/.well-known/core`).
    package static let linkFormat = CoAPContentFormat(rawValue: 40)
    /// 41 `application/xml`.
    package static let xml = CoAPContentFormat(rawValue: 41)
    /// 42 `application/octet-stream`.
    package static let octetStream = CoAPContentFormat(rawValue: 42)
    /// 47 `application/exi`.
    package static let exi = CoAPContentFormat(rawValue: 47)
    /// 50 `application/json`.
    package static let json = CoAPContentFormat(rawValue: 50)
    /// 60 `application/cbor`.
    package static let cbor = CoAPContentFormat(rawValue: 60)

    /// The media type for the formats above, or the number.
    package var description: String {
        switch rawValue {
        case 0: "text/plain; charset=utf-8"
        case 40: "application/link-format"
        case 41: "application/xml"
        case 42: "application/octet-stream"
        case 47: "application/exi"
        case 50: "application/json"
        case 60: "application/cbor"
        default: "ContentFormat(\(rawValue))"
        }
    }
}
