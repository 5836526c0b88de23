/// The protocol version of one connection: set by ``MQTTPacketDecoder`` from the client's CONNECT and read by
/// ``MQTTPacketEncoder``, so both directions use the version the client chose.
///
/// One instance is shared by the decoder and the encoder of one channel and is only touched on that channel's
/// event loop, hence not `Sendable`.
package final class MQTTConnectionVersion {
    /// The version, or `nil` before CONNECT has been read.
    package var value: MQTTProtocolVersion?

    /// Creates a holder.
    /// - Parameter value: A known version (for tests, or a client), or `nil` to learn it from CONNECT.
    package init(_ value: MQTTProtocolVersion? = nil) {
        self.value = value
    }
}

@available(*, unavailable)
extension MQTTConnectionVersion: Sendable {}
