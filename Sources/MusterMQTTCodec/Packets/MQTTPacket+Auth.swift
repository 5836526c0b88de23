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
            let (reasonCode, properties) = try body.readMQTTReasonCodeAndProperties(
                packet: .auth, default: .success, propertiesOptional: false
            )
            try body.expectMQTTBodyConsumed(packet: .auth)
            return Self(reasonCode: reasonCode, properties: properties)
        }

        /// Writes the body; empty for Success without properties.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version (MQTT 5).
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeMQTTReasonCodeAndProperties(reasonCode, properties, default: .success, propertiesOptional: false)
        }
    }
}
