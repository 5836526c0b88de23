import NIOCore

/// The fixed header of a control packet: type, flags and remaining length.
package struct MQTTFixedHeader: Hashable, Sendable {
    /// The packet type (upper nibble of the first byte).
    package var type: MQTTPacketType
    /// The flags (lower nibble of the first byte).
    package var flags: UInt8
    /// The number of bytes after the fixed header.
    package var remainingLength: Int

    package init(type: MQTTPacketType, flags: UInt8, remainingLength: Int) {
        self.type = type
        self.flags = flags
        self.remainingLength = remainingLength
    }

    /// The size of the whole packet: the first byte, the remaining-length bytes and the body.
    package var packetSize: Int { 1 + mqttVariableByteIntegerSize(remainingLength) + remainingLength }
}

/// One framed packet: its fixed header and exactly `remainingLength` bytes of body.
package struct MQTTFrame: Hashable, Sendable {
    package var fixedHeader: MQTTFixedHeader
    package var body: ByteBuffer

    package init(fixedHeader: MQTTFixedHeader, body: ByteBuffer) {
        self.fixedHeader = fixedHeader
        self.body = body
    }
}

extension ByteBuffer {
    /// Writes a fixed header of type `type` and `flags`, then the body `body` writes, with the remaining length
    /// filled in afterwards.
    /// - Parameters:
    ///   - type: The packet type.
    ///   - flags: The lower nibble of the first byte.
    ///   - body: Writes the variable header and payload.
    package mutating func writeMQTTFrame(type: MQTTPacketType, flags: UInt8, _ body: (inout ByteBuffer) -> Void) {
        writeInteger(type.rawValue << 4 | flags & 0x0F)
        writeMQTTVariableByteIntegerLengthPrefixed(body)
    }
}
