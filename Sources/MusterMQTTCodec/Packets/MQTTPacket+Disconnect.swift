import NIOCore

extension MQTTPacket {
    /// DISCONNECT, from the client, or in MQTT 5 also from the server (MQTT 5 §3.14, 3.1.1 §3.14).
    package struct Disconnect: Hashable, Sendable {
        /// MQTT 5 only; ``MQTTReasonCode/normalDisconnection`` when the body is empty.
        package var reasonCode: MQTTReasonCode
        /// MQTT 5 only, e.g. Session Expiry Interval, Reason String, Server Reference.
        package var properties: MQTTProperties

        package init(reasonCode: MQTTReasonCode = .normalDisconnection, properties: MQTTProperties = []) {
            self.reasonCode = reasonCode
            self.properties = properties
        }

        /// Reads a DISCONNECT body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version; 3.1.1 requires an empty body.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/invalidReasonCode(packet:code:)``, ``MQTTDecodeError/trailingBytes(packet:count:)``
        ///   or a field error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            var packet = Self()
            if version.hasProperties {
                (packet.reasonCode, packet.properties) = try body.readMQTTReasonCodeAndProperties(
                    packet: .disconnect, default: .normalDisconnection
                )
            }
            try body.expectMQTTBodyConsumed(packet: .disconnect)
            return packet
        }

        /// Writes the body in its shortest form.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version; 3.1.1 writes nothing.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            guard version.hasProperties else { return }
            buffer.writeMQTTReasonCodeAndProperties(reasonCode, properties, default: .normalDisconnection)
        }
    }
}
