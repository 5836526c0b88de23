/// What is wrong with a datagram that ``CoAPMessage/decode(from:maxSize:)`` rejected.
///
/// The ``description`` is short, plain ASCII and safe to send back as the diagnostic payload of a 4.00 or
/// 4.02 response (RFC 7252 §5.5.2): it names the field and sizes, never the datagram's bytes.
package enum CoAPDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The datagram has fewer than the 4 bytes of the fixed header.
    case tooShort(size: Int)
    /// The Version field is not 1.
    case unsupportedVersion(UInt8)
    /// The Token Length field is 9…15 (reserved, RFC 7252 §3).
    case tokenTooLong(UInt8)
    /// The datagram ends inside the token.
    case truncatedToken(length: Int, available: Int)
    /// Code 0.00 with a token, options or payload (RFC 7252 §4.1).
    case emptyMessageWithContent
    /// Option delta nibble 15 without length nibble 15 (RFC 7252 §3.1).
    case reservedOptionDelta
    /// Option length nibble 15 (RFC 7252 §3.1).
    case reservedOptionLength(number: UInt16)
    /// The datagram ends inside an extended option delta; `after` is the previous option's number.
    case truncatedOptionDelta(after: UInt16)
    /// The datagram ends inside an extended option length.
    case truncatedOptionLength(number: UInt16)
    /// The datagram ends inside an option value.
    case truncatedOption(number: UInt16, length: Int, available: Int)
    /// The running option number passed 65535.
    case optionNumberTooLarge(UInt32)
    /// A critical option's value length is outside its registered range (RFC 7252 §5.4.3).
    case invalidOptionLength(number: UInt16, length: Int)
    /// A critical, non-repeatable option appears twice (RFC 7252 §5.4.5).
    case repeatedOption(number: UInt16)
    /// A payload marker 0xFF with no payload after it (RFC 7252 §3).
    case emptyPayloadAfterMarker
    /// The datagram is larger than the configured limit.
    case messageTooLarge(size: Int, limit: Int)
    /// A Block1 or Block2 value with SZX 7 (reserved, RFC 7959 §2.2).
    case invalidBlockOption(number: UInt16)

    package var description: String {
        switch self {
        case .tooShort(let size):
            "datagram of \(size) bytes is shorter than the 4-byte header"
        case .unsupportedVersion(let version):
            "unsupported version \(version)"
        case .tokenTooLong(let length):
            "token length \(length) is reserved (at most 8)"
        case .truncatedToken(let length, let available):
            "token of \(length) bytes truncated after \(available)"
        case .emptyMessageWithContent:
            "empty message (code 0.00) carries a token, options or payload"
        case .reservedOptionDelta:
            "option delta 15 is reserved"
        case .reservedOptionLength(let number):
            "option length 15 is reserved (option \(number))"
        case .truncatedOptionDelta(let after):
            "extended option delta truncated (after option \(after))"
        case .truncatedOptionLength(let number):
            "extended option length truncated (option \(number))"
        case .truncatedOption(let number, let length, let available):
            "option \(number) value of \(length) bytes truncated after \(available)"
        case .optionNumberTooLarge(let number):
            "option number \(number) exceeds 65535"
        case .invalidOptionLength(let number, let length):
            "option \(number) has invalid length \(length)"
        case .repeatedOption(let number):
            "option \(number) must not be repeated"
        case .emptyPayloadAfterMarker:
            "payload marker followed by an empty payload"
        case .messageTooLarge(_, let limit):
            // The size is not named: a datagram past the receive buffer arrives cut, so its size is unknown.
            "message exceeds the limit of \(limit) bytes"
        case .invalidBlockOption(let number):
            "block option \(number) uses reserved SZX 7"
        }
    }
}

extension CoAPDecodeError {
    /// Whether this is a message format error (RFC 7252 §3, §4.1: a reserved or truncated field, a bad option
    /// delta or length, a payload marker with no payload), which a recipient rejects: a Reset for a CON, nothing
    /// for a NON (§4.2, §4.3). The other errors are answered with `CoAPCode(error)`.
    package var isMessageFormatError: Bool {
        switch self {
        case .tooShort, .unsupportedVersion, .tokenTooLong, .truncatedToken, .emptyMessageWithContent,
            .reservedOptionDelta, .reservedOptionLength, .truncatedOptionDelta, .truncatedOptionLength,
            .truncatedOption, .optionNumberTooLarge, .emptyPayloadAfterMarker:
            true
        case .invalidOptionLength, .repeatedOption, .messageTooLarge, .invalidBlockOption:
            false
        }
    }
}

extension CoAPCode {
    /// The response code for a confirmable request that failed to decode, when the header could be read
    /// (see ``CoAPMessageHeader/peek(_:)``): 4.02 for a bad critical option, 4.13 for an oversize datagram,
    /// 4.00 for a reserved block size (RFC 7959 §2.2). A message format error
    /// (``CoAPDecodeError/isMessageFormatError``) is rejected with a Reset instead; it maps to 4.00 here.
    /// - Parameter error: The decode error.
    package init(_ error: CoAPDecodeError) {
        switch error {
        case .invalidOptionLength, .repeatedOption:
            self = .badOption
        case .messageTooLarge:
            self = .requestEntityTooLarge
        case .tooShort, .unsupportedVersion, .tokenTooLong, .truncatedToken, .emptyMessageWithContent,
            .reservedOptionDelta, .reservedOptionLength, .truncatedOptionDelta, .truncatedOptionLength,
            .truncatedOption, .optionNumberTooLarge, .emptyPayloadAfterMarker, .invalidBlockOption:
            self = .badRequest
        }
    }
}
