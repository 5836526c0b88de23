import NIOCore

/// An MQTT 5 property block, in wire order.
///
/// Typed accessors (``MQTTProperties/maximumPacketSize`` and friends, in `MQTTProperties+Accessors.swift`) read and
/// replace single-valued properties; ``all`` holds every property in the order read or set, so a decoded block
/// re-encodes byte for byte.
package struct MQTTProperties: Hashable, Sendable, ExpressibleByArrayLiteral {
    /// Every property, in wire order.
    package var all: [MQTTProperty]

    /// Creates a block holding `properties` in this order.
    package init(_ properties: [MQTTProperty] = []) {
        self.all = properties
    }

    package init(arrayLiteral elements: MQTTProperty...) {
        self.all = elements
    }

    /// Whether the block holds no property.
    package var isEmpty: Bool { all.isEmpty }

    /// Reads a property length and the properties it covers.
    /// - Parameters:
    ///   - buffer: The packet body, positioned at the property length.
    ///   - packet: The packet whose properties these are: decides which properties are allowed.
    ///   - will: Whether this is the CONNECT will-property block.
    /// - Returns: The properties, in wire order.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)``, ``MQTTDecodeError/unknownProperty(packet:identifier:)``,
    ///   ``MQTTDecodeError/propertyNotAllowed(packet:field:)``, ``MQTTDecodeError/duplicateProperty(packet:field:)``,
    ///   or a value error.
    package static func read(
        from buffer: inout ByteBuffer,
        packet: MQTTPacketType,
        will: Bool = false
    ) throws(MQTTDecodeError) -> Self {
        let blockField: MQTTDecodeError.Field = will ? .willProperties : .properties
        let length = try buffer.readMQTTVariableByteInteger(packet: packet, field: blockField)
        guard var block = buffer.readSlice(length: length) else {
            throw .truncated(packet: packet, field: blockField)
        }
        var properties = Self()
        var seen: UInt64 = 0  // one bit per identifier; all identifiers are below 64
        while block.readableBytes > 0 {
            let rawIdentifier = try block.readMQTTVariableByteInteger(packet: packet, field: blockField)
            guard rawIdentifier <= UInt8.max, let identifier = MQTTPropertyIdentifier(rawValue: UInt8(rawIdentifier))
            else {
                throw .unknownProperty(packet: packet, identifier: UInt8(truncatingIfNeeded: rawIdentifier))
            }
            let field: MQTTDecodeError.Field = will ? .willProperty(identifier) : .property(identifier)
            guard identifier.isAllowed(in: packet, will: will) else {
                throw .propertyNotAllowed(packet: packet, field: field)
            }
            let bit: UInt64 = 1 << identifier.rawValue
            if seen & bit != 0, !identifier.mayRepeat(in: packet) {
                throw .duplicateProperty(packet: packet, field: field)
            }
            seen |= bit
            properties.all.append(try MQTTProperty.read(identifier, from: &block, packet: packet, field: field))
        }
        return properties
    }

    /// Writes the property length and the properties.
    /// - Parameter buffer: The buffer to append to.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeMQTTVariableByteIntegerLengthPrefixed { buffer in
            for property in all {
                property.write(to: &buffer)
            }
        }
    }
}
