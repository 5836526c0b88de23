import NIOCore

extension MQTTPacket {
    /// UNSUBACK (MQTT 5 §3.11, 3.1.1 §3.11). In 3.1.1 it carries the packet identifier only.
    package struct UnsubAck: Hashable, Sendable {
        package var packetIdentifier: UInt16
        /// MQTT 5 only.
        package var properties: MQTTProperties
        /// MQTT 5 only: one per UNSUBSCRIBE filter, in order. Always empty when read from 3.1.1.
        package var reasonCodes: [MQTTReasonCode]

        package init(packetIdentifier: UInt16, properties: MQTTProperties = [], reasonCodes: [MQTTReasonCode] = []) {
            self.packetIdentifier = packetIdentifier
            self.properties = properties
            self.reasonCodes = reasonCodes
        }

        /// Reads an UNSUBACK body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/invalidReasonCode(packet:code:)`` or a field error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            let packetIdentifier = try body.readMQTTPacketIdentifier(packet: .unsubAck)
            guard version.hasProperties else {
                try body.expectMQTTBodyConsumed(packet: .unsubAck)
                return Self(packetIdentifier: packetIdentifier)
            }
            let properties = try MQTTProperties.read(from: &body, packet: .unsubAck)
            let reasonCodes = try readReasonCodes(from: &body, packet: .unsubAck) { $0.isAllowed(in: .unsubAck) }
            return Self(packetIdentifier: packetIdentifier, properties: properties, reasonCodes: reasonCodes)
        }

        /// Writes the UNSUBACK body.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version; 3.1.1 writes the packet identifier only.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeInteger(packetIdentifier)
            guard version.hasProperties else { return }
            properties.write(to: &buffer)
            for code in reasonCodes {
                buffer.writeInteger(code.rawValue)
            }
        }
    }
}
