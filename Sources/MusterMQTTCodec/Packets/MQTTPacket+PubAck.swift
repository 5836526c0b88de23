import NIOCore

extension MQTTPacket {
    /// PUBACK, and the QoS 2 packets PUBREC, PUBREL and PUBCOMP, which share its layout (MQTT 5 §3.4–3.7,
    /// 3.1.1 §3.4–3.7): a packet identifier, then in MQTT 5 an optional reason code and optional properties.
    package struct PubAck: Hashable, Sendable {
        package var packetIdentifier: UInt16
        /// MQTT 5 only; written as nothing when it is ``MQTTReasonCode/success`` without properties.
        package var reasonCode: MQTTReasonCode
        /// MQTT 5 only, e.g. a Reason String.
        package var properties: MQTTProperties

        package init(packetIdentifier: UInt16, reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = []) {
            self.packetIdentifier = packetIdentifier
            self.reasonCode = reasonCode
            self.properties = properties
        }

        /// Reads a PUBACK-shaped body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        ///   - packet: Which of PUBACK, PUBREC, PUBREL, PUBCOMP this is (for reason-code checks and errors).
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/missingPacketIdentifier(packet:)``,
        ///   ``MQTTDecodeError/invalidReasonCode(packet:code:)`` or a field error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion,
            packet: MQTTPacketType = .pubAck
        ) throws(MQTTDecodeError) -> Self {
            let packetIdentifier = try body.readMQTTPacketIdentifier(packet: packet)
            var reasonCode = MQTTReasonCode.success
            var properties = MQTTProperties()
            if version.hasProperties {
                (reasonCode, properties) = try body.readMQTTReasonCodeAndProperties(packet: packet, default: .success)
            }
            try body.expectMQTTBodyConsumed(packet: packet)
            return Self(packetIdentifier: packetIdentifier, reasonCode: reasonCode, properties: properties)
        }

        /// Writes the body in its shortest form.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version; 3.1.1 writes the packet identifier only.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeInteger(packetIdentifier)
            guard version.hasProperties else { return }
            buffer.writeMQTTReasonCodeAndProperties(reasonCode, properties, default: .success)
        }
    }
}
