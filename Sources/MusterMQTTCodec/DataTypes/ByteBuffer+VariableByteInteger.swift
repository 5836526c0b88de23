import NIOCore

/// The largest value a four-byte variable byte integer holds (MQTT 5 §1.5.5).
package let mqttMaximumVariableByteInteger = 268_435_455

/// The number of bytes `value` takes as a variable byte integer.
/// - Parameter value: A value in `0...268_435_455`.
/// - Returns: 1 to 4.
package func mqttVariableByteIntegerSize(_ value: Int) -> Int {
    switch value {
    case ..<128: 1
    case ..<16_384: 2
    case ..<2_097_152: 3
    default: 4
    }
}

extension ByteBuffer {
    /// Reads a variable byte integer of at most four bytes.
    /// - Parameters:
    ///   - packet: The packet being read, for the error.
    ///   - field: The field being read, for the error.
    /// - Returns: The value.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)`` if the body ends inside it, or
    ///   ``MQTTDecodeError/malformedVariableByteInteger(packet:field:)`` if it has a fifth byte.
    package mutating func readMQTTVariableByteInteger(
        packet: MQTTPacketType,
        field: MQTTDecodeError.Field
    ) throws(MQTTDecodeError) -> Int {
        var value = 0
        for index in 0..<4 {
            guard let byte = readInteger(as: UInt8.self) else {
                throw .truncated(packet: packet, field: field)
            }
            value |= Int(byte & 0x7F) << (7 * index)
            if byte & 0x80 == 0 {
                return value
            }
        }
        throw .malformedVariableByteInteger(packet: packet, field: field)
    }

    /// Writes `value` as a variable byte integer in the fewest bytes.
    /// - Parameter value: A value in `0...268_435_455`.
    /// - Returns: The number of bytes written (1 to 4).
    @discardableResult
    package mutating func writeMQTTVariableByteInteger(_ value: Int) -> Int {
        precondition(
            (0...mqttMaximumVariableByteInteger).contains(value),
            "an MQTT variable byte integer holds 0...268435455, not \(value)"
        )
        var remaining = value
        var written = 0
        repeat {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            written += writeInteger(byte)
        } while remaining > 0
        return written
    }

    /// Writes what `body` writes, preceded by its length as a variable byte integer.
    ///
    /// Four bytes are reserved for the length, and the body is moved back over the unused ones, so the length
    /// needs no separate size computation.
    /// - Parameter body: Writes the length-prefixed bytes.
    package mutating func writeMQTTVariableByteIntegerLengthPrefixed(_ body: (inout ByteBuffer) -> Void) {
        let lengthIndex = writerIndex
        writeRepeatingByte(0, count: 4)
        let bodyIndex = writerIndex
        body(&self)
        let bodyLength = writerIndex - bodyIndex
        let lengthSize = mqttVariableByteIntegerSize(bodyLength)
        if lengthSize < 4 {
            do {
                try copyBytes(at: bodyIndex, to: lengthIndex + lengthSize, length: bodyLength)
            } catch {
                preconditionFailure("the body was just written after the reader index, so it is readable: \(error)")
            }
        }
        moveWriterIndex(to: lengthIndex)
        writeMQTTVariableByteInteger(bodyLength)
        moveWriterIndex(to: lengthIndex + lengthSize + bodyLength)
    }
}
