import NIOCore

extension MQTTPacket {
    /// PINGRESP: the server's answer to PINGREQ (MQTT 5 §3.13, 3.1.1 §3.13). It has no body.
    package struct PingResp: Hashable, Sendable {
        package init() {}

        /// Checks that the body is empty.
        /// - Parameters:
        ///   - body: The body.
        ///   - version: The connection's protocol version (unused: the packet is the same in every version).
        /// - Throws: MQTTDecodeError/trailingBytes(packet:count:) if the body is not empty.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            try body.expectMQTTBodyConsumed(packet: .pingResp)
            return Self()
        }

        /// Writes nothing: the packet is its fixed header.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {}
    }
}
