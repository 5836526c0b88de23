import NIOCore

extension MQTTPacket {
    /// PUBLISH: an application message, in either direction (MQTT 5 §3.3, 3.1.1 §3.3).
    package struct Publish: Hashable, Sendable {
        /// The topic name. In MQTT 5 it may be empty when ``properties`` carries a Topic Alias.
        package var topicName: String
        /// The application payload (a slice of the received buffer when decoded).
        package var payload: ByteBuffer
        package var qos: MQTTQoS
        package var retain: Bool
        /// DUP: this is a re-delivery. Always false at QoS 0.
        package var duplicate: Bool
        /// The packet identifier: present exactly when ``qos`` is above 0.
        package var packetIdentifier: UInt16?
        /// PUBLISH properties (MQTT 5 only), e.g. Topic Alias, Content Type, User Property.
        package var properties: MQTTProperties

        package init(
            topicName: String,
            payload: ByteBuffer,
            qos: MQTTQoS = .atMostOnce,
            retain: Bool = false,
            duplicate: Bool = false,
            packetIdentifier: UInt16? = nil,
            properties: MQTTProperties = []
        ) {
            self.topicName = topicName
            self.payload = payload
            self.qos = qos
            self.retain = retain
            self.duplicate = duplicate
            self.packetIdentifier = packetIdentifier
            self.properties = properties
        }

        /// The fixed-header flags: DUP (bit 3), QoS (bits 1–2), RETAIN (bit 0).
        package var flags: UInt8 {
            (duplicate ? 0b1000 : 0) | qos.rawValue << 1 | (retain ? 1 : 0)
        }

        /// Reads a PUBLISH body. Wildcards in the topic name and unknown Topic Aliases are left to the session,
        /// which knows which topics it serves and which aliases it has set.
        /// - Parameters:
        ///   - body: The body; fully consumed on success (the payload is the rest of it).
        ///   - flags: The fixed-header flags.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/invalidQoS(packet:)`` for QoS 3,
        ///   ``MQTTDecodeError/missingPacketIdentifier(packet:)``, ``MQTTDecodeError/emptyTopicName``, or a field
        ///   error.
        package static func read(
            from body: inout ByteBuffer,
            flags: UInt8,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0b11) else { throw .invalidQoS(packet: .publish) }
            let duplicate = flags & 0b1000 != 0
            guard !(duplicate && qos == .atMostOnce) else { throw .duplicateFlagWithQoS0 }
            let topicName = try body.readMQTTString(packet: .publish, field: .topicName)
            let packetIdentifier = qos == .atMostOnce ? nil : try body.readMQTTPacketIdentifier(packet: .publish)
            let properties: MQTTProperties = version.hasProperties ? try .read(from: &body, packet: .publish) : []
            guard !topicName.isEmpty || properties.topicAlias != nil else { throw .emptyTopicName }
            let payload = body.readSlice(length: body.readableBytes) ?? ByteBuffer()
            return Self(
                topicName: topicName,
                payload: payload,
                qos: qos,
                retain: flags & 1 != 0,
                duplicate: duplicate,
                packetIdentifier: packetIdentifier,
                properties: properties
            )
        }

        /// Writes the PUBLISH body (the flags go in the fixed header, see ``flags``).
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeMQTTString(topicName)
            if qos != .atMostOnce {
                guard let packetIdentifier else {
                    preconditionFailure("a PUBLISH at QoS \(qos.rawValue) needs a packet identifier")
                }
                buffer.writeInteger(packetIdentifier)
            }
            if version.hasProperties { properties.write(to: &buffer) }
            buffer.writeImmutableBuffer(payload)
        }
    }
}
