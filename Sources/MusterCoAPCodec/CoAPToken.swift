/// The Token of a CoAP message (RFC 7252 §5.3.1): 0 to 8 opaque bytes that match a response to its request.
///
/// Stored inline (no allocation), so it is cheap to copy and to use in a cache key.
package struct CoAPToken: Hashable, Sendable, CustomStringConvertible {
    /// The longest token the protocol allows.
    package static let maximumLength = 8

    /// The zero-length token.
    package static let empty = CoAPToken(storage: 0, count: 0)

    /// The bytes, big-endian, right-aligned in the low `count` bytes.
    private var storage: UInt64
    /// The length in bytes, 0…8.
    package private(set) var count: Int

    private init(storage: UInt64, count: Int) {
        self.storage = storage
        self.count = count
    }

    /// Creates a token from its bytes.
    /// - Parameter bytes: 0 to 8 bytes.
    /// - Returns: `nil` when there are more than 8 bytes.
    package init?(bytes: some Sequence<UInt8>) {
        var storage: UInt64 = 0
        var count = 0
        for byte in bytes {
            guard count < Self.maximumLength else { return nil }
            storage = storage << 8 | UInt64(byte)
            count += 1
        }
        self.init(storage: storage, count: count)
    }

    /// The token's bytes in wire order.
    package var bytes: [UInt8] {
        (0..<count).map { index in UInt8(truncatingIfNeeded: storage >> (8 * UInt64(count - 1 - index))) }
    }

    /// Whether the token has zero length.
    package var isEmpty: Bool { count == 0 }

    /// A redacted description giving only the length; tokens are correlation values and stay out of logs.
    package var description: String { "CoAPToken(\(count) bytes)" }
}
