import NIOCore

/// One option of a CoAP message: a number and a value (RFC 7252 §3.1, §5.4).
///
/// The value is a `ByteBuffer`; a decoded option holds a slice of the datagram, so decoding copies nothing.
package struct CoAPOption: Hashable, Sendable {
    /// The option number.
    package var number: CoAPOptionNumber
    /// The raw value bytes.
    package var value: ByteBuffer

    /// Creates an option with raw bytes.
    /// - Parameters:
    ///   - number: The option number.
    ///   - value: The value; empty by default.
    package init(_ number: CoAPOptionNumber, value: ByteBuffer = ByteBuffer()) {
        self.number = number
        self.value = value
    }

    /// Creates an option with opaque bytes.
    /// - Parameters:
    ///   - number: The option number.
    ///   - bytes: The value.
    package init(_ number: CoAPOptionNumber, bytes: some Sequence<UInt8>) {
        self.init(number, value: ByteBuffer(bytes: bytes))
    }

    /// Creates a string option (UTF-8).
    /// - Parameters:
    ///   - number: The option number.
    ///   - string: The value.
    package init(_ number: CoAPOptionNumber, string: String) {
        self.init(number, value: ByteBuffer(string: string))
    }

    /// Creates a uint option, written in the fewest bytes (zero is the empty value, RFC 7252 §3.2).
    /// - Parameters:
    ///   - number: The option number.
    ///   - uint: The value.
    package init(_ number: CoAPOptionNumber, uint: UInt32) {
        var buffer = ByteBuffer()
        let length = (32 - uint.leadingZeroBitCount + 7) / 8
        for index in stride(from: length - 1, through: 0, by: -1) {
            buffer.writeInteger(UInt8(truncatingIfNeeded: uint >> (8 * UInt32(index))))
        }
        self.init(number, value: buffer)
    }

    /// The value read as a big-endian unsigned integer, or `nil` when it is longer than 4 bytes.
    ///
    /// Leading zero bytes are accepted, as RFC 7252 §3.2 requires of a receiver.
    package var uintValue: UInt32? {
        guard value.readableBytes <= 4 else { return nil }
        var result: UInt32 = 0
        for byte in value.readableBytesView {
            result = result << 8 | UInt32(byte)
        }
        return result
    }

    /// The value read as UTF-8 (invalid sequences become U+FFFD).
    package var stringValue: String {
        String(decoding: value.readableBytesView, as: UTF8.self)
    }

    /// The value's bytes.
    package var bytesValue: [UInt8] {
        Array(value.readableBytesView)
    }
}
