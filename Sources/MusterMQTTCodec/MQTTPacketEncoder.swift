import NIOCore

/// Encodes ``MQTTPacket``s in the connection's protocol version.
///
/// Before CONNECT has been decoded (for example to answer an unsupported protocol level) the version is unknown
/// and packets are written as 3.1.1, which every client can read: a 3.1.1 CONNACK with return code 0x01 is what
/// MQTT 5 §3.1.2.2 suggests for an unsupported level.
package struct MQTTPacketEncoder: MessageToByteEncoder {
    package typealias OutboundIn = MQTTPacket

    /// The connection's version, shared with the decoder.
    package let connectionVersion: MQTTConnectionVersion

    /// Creates an encoder.
    /// - Parameter connectionVersion: The holder the decoder fills in from CONNECT.
    package init(connectionVersion: MQTTConnectionVersion) {
        self.connectionVersion = connectionVersion
    }

    /// Creates an encoder for a fixed version.
    /// - Parameter version: The protocol version to write.
    package init(version: MQTTProtocolVersion) {
        self.connectionVersion = MQTTConnectionVersion(version)
    }

    package func encode(data: MQTTPacket, out: inout ByteBuffer) {
        data.write(to: &out, version: connectionVersion.value ?? .v311)
    }
}

@available(*, unavailable)
extension MQTTPacketEncoder: Sendable {}
