import NIOCore

extension MQTTPacket {
    /// CONNACK: the server's answer to CONNECT (MQTT 5 §3.2, 3.1.1 §3.2).
    package struct ConnAck: Hashable, Sendable {
        /// Whether the server resumed a stored session.
        package var sessionPresent: Bool
        /// The MQTT 5 reason code. On 3.1 / 3.1.1 it is written as the ``MQTTConnectReturnCode`` it maps to, and
        /// read back from one.
        package var reasonCode: MQTTReasonCode
        /// CONNACK properties (MQTT 5 only): Maximum Packet Size, Receive Maximum, Assigned Client Identifier, …
        package var properties: MQTTProperties

        package init(
            sessionPresent: Bool = false,
            reasonCode: MQTTReasonCode = .success,
            properties: MQTTProperties = []
        ) {
            self.sessionPresent = sessionPresent
            self.reasonCode = reasonCode
            self.properties = properties
        }

        /// Reads a CONNACK body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: A ``MQTTDecodeError`` naming the offending field.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            let flags = try body.readMQTTInteger(as: UInt8.self, packet: .connAck, field: .acknowledgeFlags)
            guard flags & 0b1111_1110 == 0 else { throw .reservedBits(packet: .connAck, field: .acknowledgeFlags) }
            let code = try body.readMQTTInteger(as: UInt8.self, packet: .connAck, field: .reasonCode)
            let reasonCode: MQTTReasonCode
            if version.hasProperties {
                guard let value = MQTTReasonCode(rawValue: code), value.isAllowed(in: .connAck) else {
                    throw .invalidReasonCode(packet: .connAck, code: code)
                }
                reasonCode = value
            } else {
                guard let value = MQTTConnectReturnCode(rawValue: code) else {
                    throw .invalidReasonCode(packet: .connAck, code: code)
                }
                reasonCode = MQTTReasonCode(value)
            }
            let properties: MQTTProperties = version.hasProperties ? try .read(from: &body, packet: .connAck) : []
            try body.expectMQTTBodyConsumed(packet: .connAck)
            return Self(sessionPresent: flags & 1 == 1, reasonCode: reasonCode, properties: properties)
        }

        /// Writes the CONNACK body.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeInteger(sessionPresent ? 1 : 0 as UInt8)
            if version.hasProperties {
                buffer.writeInteger(reasonCode.rawValue)
                properties.write(to: &buffer)
            } else {
                buffer.writeInteger(MQTTConnectReturnCode(reasonCode).rawValue)
            }
        }
    }
}
