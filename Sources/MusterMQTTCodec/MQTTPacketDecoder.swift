import NIOCore

/// Decodes a TCP byte stream into ``MQTTPacket``s: ``MQTTFrameParser`` frames, ``MQTTPacket/read(fixedHeader:body:version:)``
/// decodes.
///
/// The first packet must be CONNECT; its protocol level becomes the connection's version (stored in the shared
/// ``MQTTConnectionVersion``) and every later packet is read with it. A second CONNECT is decoded like any
/// packet: rejecting it is the session's job. Any ``MQTTDecodeError`` is thrown into the pipeline, after which
/// `ByteToMessageHandler` decodes nothing more; map it with ``MQTTReasonCode/init(_:)-(MQTTDecodeError)`` and close.
package struct MQTTPacketDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = MQTTPacket

    private let parser: MQTTFrameParser
    /// The connection's version, shared with the encoder.
    package let connectionVersion: MQTTConnectionVersion

    /// Creates a decoder.
    /// - Parameters:
    ///   - maximumPacketSize: The largest whole packet accepted, in bytes; checked before the body is buffered.
    ///   - connectionVersion: Where the version learnt from CONNECT is kept (share it with the encoder). Pass a
    ///     holder with a version already set to decode a connection whose CONNECT was read elsewhere.
    package init(maximumPacketSize: Int = 65_536, connectionVersion: MQTTConnectionVersion = MQTTConnectionVersion()) {
        self.parser = MQTTFrameParser(maximumPacketSize: maximumPacketSize)
        self.connectionVersion = connectionVersion
    }

    package mutating func decode(buffer: inout ByteBuffer) throws -> MQTTPacket? {
        guard var frame = try parser.parse(&buffer) else { return nil }
        let version: MQTTProtocolVersion
        if let known = connectionVersion.value {
            version = known
        } else {
            guard frame.fixedHeader.type == .connect else {
                throw MQTTDecodeError.expectedConnect(received: frame.fixedHeader.type)
            }
            // Learnt before the rest is checked, so a malformed CONNECT is still answered in its own version.
            let announced = MQTTPacket.Connect.peekProtocolVersion(frame.body)
            connectionVersion.value = announced
            // With no known level, Connect.read throws before the version matters.
            version = announced ?? .v311
        }
        return try MQTTPacket.read(fixedHeader: frame.fixedHeader, body: &frame.body, version: version)
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MQTTPacket? {
        try decode(buffer: &buffer)
    }
}

@available(*, unavailable)
extension MQTTPacketDecoder: Sendable {}
