import NIOCore

extension CoAPMessage {
    /// The number of bytes ``encode(into:)`` writes.
    package var encodedSize: Int {
        var size = 4 + token.count
        var previous: UInt16 = 0
        for option in sortedOptions {
            let length = option.value.readableBytes
            size += 1 + Self.extensionSize(Int(option.number.rawValue - previous)) + Self.extensionSize(length) + length
            previous = option.number.rawValue
        }
        if payload.readableBytes > 0 {
            size += 1 + payload.readableBytes
        }
        return size
    }

    /// Writes the message as one datagram: header, token, options sorted by number with the shortest
    /// delta/length forms, then the 0xFF marker and the payload when the payload is not empty.
    /// - Parameter buffer: The buffer to append to.
    package func encode(into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: encodedSize)
        let first = Self.version << 6 | type.rawValue << 4 | UInt8(token.count)
        buffer.writeMultipleIntegers(first, code.rawValue, messageID)
        buffer.writeBytes(token.bytes)
        var previous: UInt16 = 0
        for option in sortedOptions {
            let delta = Int(option.number.rawValue - previous)
            let length = option.value.readableBytes
            precondition(length <= Int(UInt16.max) + 269, "an option value is at most 65804 bytes (RFC 7252 §3.1)")
            buffer.writeInteger(Self.nibble(delta) << 4 | Self.nibble(length))
            Self.writeExtension(delta, into: &buffer)
            Self.writeExtension(length, into: &buffer)
            buffer.writeImmutableBuffer(option.value)
            previous = option.number.rawValue
        }
        if payload.readableBytes > 0 {
            buffer.writeInteger(UInt8(0xFF))
            buffer.writeImmutableBuffer(payload)
        }
    }

    /// Encodes the message into a new buffer.
    /// - Parameter allocator: The allocator for the buffer.
    /// - Returns: The datagram.
    package func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: encodedSize)
        encode(into: &buffer)
        return buffer
    }

    /// The options sorted by number; a stable sort, so repeated options keep their order.
    private var sortedOptions: [CoAPOption] {
        if zip(options, options.dropFirst()).allSatisfy({ $0.number <= $1.number }) {
            return options
        }
        return options.enumerated()
            .sorted { ($0.element.number, $0.offset) < ($1.element.number, $1.offset) }
            .map(\.element)
    }

    private static func nibble(_ value: Int) -> UInt8 {
        switch value {
        case ..<13: UInt8(value)
        case ..<269: 13
        default: 14
        }
    }

    private static func extensionSize(_ value: Int) -> Int {
        switch value {
        case ..<13: 0
        case ..<269: 1
        default: 2
        }
    }

    private static func writeExtension(_ value: Int, into buffer: inout ByteBuffer) {
        switch value {
        case ..<13: break
        case ..<269: buffer.writeInteger(UInt8(value - 13))
        default: buffer.writeInteger(UInt16(value - 269))
        }
    }
}
