/// The value format and length range of a registered option (RFC 7252 §5.10 table 4, RFC 7641, RFC 7959).
///
/// The decoder uses it to apply RFC 7252 §5.4.3 and §5.4.5: a value whose length is out of range, or a
/// repeat of a non-repeatable option, is treated like an unrecognized option, that is an error when the
/// option is critical and silently dropped when it is elective.
package struct CoAPOptionFormat: Hashable, Sendable {
    /// How the value bytes are interpreted.
    package enum Kind: Hashable, Sendable {
        /// Zero-length.
        case empty
        /// Opaque bytes.
        case opaque
        /// A non-negative integer, big-endian, minimal length (zero is the empty value).
        case uint
        /// UTF-8 text.
        case string
    }

    /// How the value bytes are interpreted.
    package var kind: Kind
    /// The shortest allowed value, in bytes.
    package var minimumLength: Int
    /// The longest allowed value, in bytes.
    package var maximumLength: Int
    /// Whether the option may appear more than once.
    package var isRepeatable: Bool
}

extension CoAPOptionNumber {
    /// The format of a registered option, or `nil` for one this codec does not recognize.
    package var format: CoAPOptionFormat? {
        switch self {
        case .ifMatch: CoAPOptionFormat(kind: .opaque, minimumLength: 0, maximumLength: 8, isRepeatable: true)
        case .uriHost: CoAPOptionFormat(kind: .string, minimumLength: 1, maximumLength: 255, isRepeatable: false)
        case .eTag: CoAPOptionFormat(kind: .opaque, minimumLength: 1, maximumLength: 8, isRepeatable: true)
        case .ifNoneMatch: CoAPOptionFormat(kind: .empty, minimumLength: 0, maximumLength: 0, isRepeatable: false)
        case .observe: CoAPOptionFormat(kind: .uint, minimumLength: 0, maximumLength: 3, isRepeatable: false)
        case .uriPort: CoAPOptionFormat(kind: .uint, minimumLength: 0, maximumLength: 2, isRepeatable: false)
        case .locationPath, .uriPath, .uriQuery, .locationQuery:
            CoAPOptionFormat(kind: .string, minimumLength: 0, maximumLength: 255, isRepeatable: true)
        case .contentFormat, .accept:
            CoAPOptionFormat(kind: .uint, minimumLength: 0, maximumLength: 2, isRepeatable: false)
        case .maxAge, .size1, .size2:
            CoAPOptionFormat(kind: .uint, minimumLength: 0, maximumLength: 4, isRepeatable: false)
        case .block1, .block2:
            CoAPOptionFormat(kind: .uint, minimumLength: 0, maximumLength: 3, isRepeatable: false)
        case .proxyUri: CoAPOptionFormat(kind: .string, minimumLength: 1, maximumLength: 1034, isRepeatable: false)
        case .proxyScheme:
            CoAPOptionFormat(kind: .string, minimumLength: 1, maximumLength: 255, isRepeatable: false)
        case .noResponse: CoAPOptionFormat(kind: .uint, minimumLength: 0, maximumLength: 1, isRepeatable: false)
        default: nil
        }
    }
}
