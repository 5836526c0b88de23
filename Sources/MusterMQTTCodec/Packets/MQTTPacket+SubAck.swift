import NIOCore

extension MQTTPacket {
    /// SUBACK: one return / reason code per SUBSCRIBE filter, in order (MQTT 5 §3.9, 3.1.1 §3.9).
    package struct SubAck: Hashable, Sendable {
        package var packetIdentifier: UInt16
        /// MQTT 5 only, e.g. a Reason String.
        package var properties: MQTTProperties
        /// Granted QoS (0x00–0x02) or a failure. 3.1.1 knows only 0x00, 0x01, 0x02 and 0x80, and every failure is
        /// written there as 0x80.
        package var reasonCodes: [MQTTReasonCode]

        package init(packetIdentifier: UInt16, properties: MQTTProperties = [], reasonCodes: [MQTTReasonCode]) {
            self.packetIdentifier = packetIdentifier
            self.properties = properties
            self.reasonCodes = reasonCodes
        }

        /// Reads a SUBACK body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/invalidReasonCode(packet:code:)`` or a field error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            let packetIdentifier = try body.readMQTTPacketIdentifier(packet: .subAck)
            let properties: MQTTProperties = try version.hasProperties ? .read(from: &body, packet: .subAck) : []
            let reasonCodes = try readReasonCodes(from: &body, packet: .subAck) { code in
                version.hasProperties
                    ? code.isAllowed(in: .subAck)
                    : [.grantedQoS0, .grantedQoS1, .grantedQoS2, .unspecifiedError].contains(code)
            }
            return Self(packetIdentifier: packetIdentifier, properties: properties, reasonCodes: reasonCodes)
        }

        /// Writes the SUBACK body.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeInteger(packetIdentifier)
            if version.hasProperties { properties.write(to: &buffer) }
            for code in reasonCodes {
                buffer.writeInteger(version.hasProperties || !code.isFailure ? code.rawValue : 0x80)
            }
        }
    }
}

extension MQTTPacket {
    /// Reads one reason code per remaining body byte (SUBACK, UNSUBACK), checking each with `isAllowed`.
    static func readReasonCodes(
        from body: inout ByteBuffer,
        packet: MQTTPacketType,
        isAllowed: (MQTTReasonCode) -> Bool
    ) throws(MQTTDecodeError) -> [MQTTReasonCode] {
        var codes: [MQTTReasonCode] = []
        codes.reserveCapacity(body.readableBytes)
        while let byte = body.readInteger(as: UInt8.self) {
            guard let code = MQTTReasonCode(rawValue: byte), isAllowed(code) else {
                throw .invalidReasonCode(packet: packet, code: byte)
            }
            codes.append(code)
        }
        return codes
    }
}
