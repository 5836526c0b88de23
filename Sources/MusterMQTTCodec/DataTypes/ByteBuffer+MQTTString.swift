import NIOCore

extension ByteBuffer {
    /// Reads an MQTT UTF-8 encoded string: a two-byte length and that many bytes of well-formed UTF-8 with no
    /// U+0000 (MQTT 5 §1.5.4, 3.1.1 §1.5.3).
    /// - Parameters:
    ///   - packet: The packet being read, for the error.
    ///   - field: The field being read, for the error.
    /// - Returns: The string.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)``, ``MQTTDecodeError/malformedUTF8(packet:field:)``
    ///   or ``MQTTDecodeError/nullCharacter(packet:field:)``.
    package mutating func readMQTTString(
        packet: MQTTPacketType,
        field: MQTTDecodeError.Field
    ) throws(MQTTDecodeError) -> String {
        guard let length = readInteger(as: UInt16.self), let bytes = readSlice(length: Int(length)) else {
            throw .truncated(packet: packet, field: field)
        }
        let result: Result<String, MQTTDecodeError> = bytes.withUnsafeReadableBytes { raw in
            // U+0000 is the byte 0x00 and nothing else in well-formed UTF-8 (C0 80 is ill-formed).
            if raw.contains(0) {
                return .failure(.nullCharacter(packet: packet, field: field))
            }
            guard let string = String(validating: raw, as: UTF8.self) else {
                return .failure(.malformedUTF8(packet: packet, field: field))
            }
            return .success(string)
        }
        return try result.get()
    }

    /// Reads MQTT binary data: a two-byte length and that many bytes.
    /// - Parameters:
    ///   - packet: The packet being read, for the error.
    ///   - field: The field being read, for the error.
    /// - Returns: The bytes.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)``.
    package mutating func readMQTTBinary(
        packet: MQTTPacketType,
        field: MQTTDecodeError.Field
    ) throws(MQTTDecodeError) -> [UInt8] {
        guard let length = readInteger(as: UInt16.self), let bytes = readBytes(length: Int(length)) else {
            throw .truncated(packet: packet, field: field)
        }
        return bytes
    }

    /// Reads a big-endian integer of type `T`.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)`` if the body is too short.
    package mutating func readMQTTInteger<T: FixedWidthInteger>(
        as: T.Type = T.self,
        packet: MQTTPacketType,
        field: MQTTDecodeError.Field
    ) throws(MQTTDecodeError) -> T {
        guard let value = readInteger(as: T.self) else {
            throw .truncated(packet: packet, field: field)
        }
        return value
    }

    /// Reads a packet identifier, which must be non-zero.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)`` or
    ///   ``MQTTDecodeError/missingPacketIdentifier(packet:)``.
    package mutating func readMQTTPacketIdentifier(packet: MQTTPacketType) throws(MQTTDecodeError) -> UInt16 {
        let identifier = try readMQTTInteger(as: UInt16.self, packet: packet, field: .packetIdentifier)
        guard identifier != 0 else { throw .missingPacketIdentifier(packet: packet) }
        return identifier
    }

    /// Throws unless every byte of the body has been read.
    /// - Throws: ``MQTTDecodeError/trailingBytes(packet:count:)``.
    package func expectMQTTBodyConsumed(packet: MQTTPacketType) throws(MQTTDecodeError) {
        guard readableBytes == 0 else { throw .trailingBytes(packet: packet, count: readableBytes) }
    }

    /// Writes an MQTT UTF-8 encoded string.
    /// - Parameter string: At most 65,535 bytes of UTF-8.
    package mutating func writeMQTTString(_ string: String) {
        let length = string.utf8.count
        precondition(length <= UInt16.max, "an MQTT string holds at most 65535 bytes, not \(length)")
        writeInteger(UInt16(length))
        writeString(string)
    }

    /// Writes MQTT binary data.
    /// - Parameter bytes: At most 65,535 bytes.
    package mutating func writeMQTTBinary(_ bytes: some Collection<UInt8>) {
        precondition(bytes.count <= UInt16.max, "MQTT binary data holds at most 65535 bytes, not \(bytes.count)")
        writeInteger(UInt16(bytes.count))
        writeBytes(bytes)
    }
}
