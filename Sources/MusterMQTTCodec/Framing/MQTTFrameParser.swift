import NIOCore

/// Splits a byte stream into MQTT packets: reads the fixed header, checks it, and slices the body.
///
/// The parser is pure (no channel, no state between calls) so it can be tested on plain buffers. It rejects a
/// packet as soon as the bytes that condemn it have arrived: an unknown type or wrong flags on the first byte, a
/// fifth remaining-length byte, or a remaining length that would exceed ``maximumPacketSize``, all before the body
/// is buffered.
package struct MQTTFrameParser: Hashable, Sendable {
    /// The largest whole packet (fixed header included) accepted, in bytes. Default 64 KiB.
    package var maximumPacketSize: Int

    /// Creates a parser.
    /// - Parameter maximumPacketSize: The largest whole packet accepted, in bytes.
    package init(maximumPacketSize: Int = 65_536) {
        precondition(maximumPacketSize >= 2, "the smallest MQTT packet is 2 bytes, so the limit must be at least 2")
        self.maximumPacketSize = maximumPacketSize
    }

    /// Reads one packet from the front of `buffer`.
    /// - Parameter buffer: The received bytes. On success the reader index moves past the packet; when more bytes
    ///   are needed it is left where it was.
    /// - Returns: The packet's fixed header and body, or `nil` if `buffer` does not yet hold the whole packet.
    /// - Throws: ``MQTTDecodeError/unknownPacketType(_:)``, ``MQTTDecodeError/reservedFlags(packet:flags:)``,
    ///   ``MQTTDecodeError/remainingLengthTooLong`` or ``MQTTDecodeError/packetTooLarge(size:limit:)``.
    package func parse(_ buffer: inout ByteBuffer) throws(MQTTDecodeError) -> MQTTFrame? {
        var peek = buffer
        guard let header = try readFixedHeader(&peek) else { return nil }
        guard let body = peek.readSlice(length: header.remainingLength) else { return nil }
        buffer = peek
        return MQTTFrame(fixedHeader: header, body: body)
    }

    /// Reads and checks the fixed header.
    /// - Returns: The header, or `nil` if `buffer` ends inside it.
    package func readFixedHeader(_ buffer: inout ByteBuffer) throws(MQTTDecodeError) -> MQTTFixedHeader? {
        guard let first = buffer.readInteger(as: UInt8.self) else { return nil }
        guard let type = MQTTPacketType(rawValue: first >> 4) else {
            throw .unknownPacketType(first >> 4)
        }
        let flags = first & 0x0F
        if let required = type.requiredFlags, flags != required {
            throw .reservedFlags(packet: type, flags: flags)
        }
        var remainingLength = 0
        for index in 0..<4 {
            guard let byte = buffer.readInteger(as: UInt8.self) else { return nil }
            remainingLength |= Int(byte & 0x7F) << (7 * index)
            if byte & 0x80 == 0 {
                let header = MQTTFixedHeader(type: type, flags: flags, remainingLength: remainingLength)
                guard header.packetSize <= maximumPacketSize else {
                    throw .packetTooLarge(size: header.packetSize, limit: maximumPacketSize)
                }
                return header
            }
        }
        throw .remainingLengthTooLong
    }
}
