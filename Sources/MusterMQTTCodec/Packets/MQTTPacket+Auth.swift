import NIOCore

extension MQTTPacket {
    /// AUTH: an MQTT 5 extended-authentication exchange step (MQTT 5 §3.15). Not part of 3.1.1.
    package struct Auth: Hashable, Sendable {
        /// Success, Continue authentication or Re-authenticate.
        package var reasonCode: MQTTReasonCode
        /// Authentication Method, Authentication Data, Reason String, User Property.
        package var properties: MQTTProperties

        package init(reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = []) {
            self.reasonCode = reasonCode
            self.properties = properties
        }

        /// Reads an AUTH body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/unknownPacketType(_:)`` on 3.1.1, where type 15 is reserved, or a field
        ///   error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            guard version.hasProperties else { throw .unknownPacketType(MQTTPacketType.auth.rawValue) }
            var packet = Self()
            if body.readableBytes > 0 {
                let code = try body.readMQTTInteger(as: UInt8.self, packet: .auth, field: .reasonCode)
                guard let value = MQTTReasonCode(rawValue: code), value.isAllowed(in: .auth) else {
                    throw .invalidReasonCode(packet: .auth, code: code)
                }
                packet.reasonCode = value
                packet.properties = try .read(from: &body, packet: .auth)
            }
            try body.expectMQTTBodyConsumed(packet: .auth)
            return packet
        }

        /// Writes the body; empty for Success without properties.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version (MQTT 5).
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            guard reasonCode != .success || !properties.isEmpty else { return }
            buffer.writeInteger(reasonCode.rawValue)
            properties.write(to: &buffer)
        }
    }
}
