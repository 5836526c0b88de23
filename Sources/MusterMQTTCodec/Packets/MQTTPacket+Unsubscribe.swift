import NIOCore

extension MQTTPacket {
    /// UNSUBSCRIBE: topic filters to remove (MQTT 5 §3.10, 3.1.1 §3.10).
    package struct Unsubscribe: Hashable, Sendable {
        package var packetIdentifier: UInt16
        /// MQTT 5 only.
        package var properties: MQTTProperties
        /// At least one filter.
        package var topicFilters: [String]

        package init(packetIdentifier: UInt16, properties: MQTTProperties = [], topicFilters: [String]) {
            self.packetIdentifier = packetIdentifier
            self.properties = properties
            self.topicFilters = topicFilters
        }

        /// Reads an UNSUBSCRIBE body.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/emptySubscriptionList(packet:)``,
        ///   ``MQTTDecodeError/emptyTopicFilter(packet:)`` or a field error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            let packetIdentifier = try body.readMQTTPacketIdentifier(packet: .unsubscribe)
            let properties: MQTTProperties = try version.hasProperties ? .read(from: &body, packet: .unsubscribe) : []
            var topicFilters: [String] = []
            while body.readableBytes > 0 {
                let topicFilter = try body.readMQTTString(packet: .unsubscribe, field: .topicFilter)
                guard !topicFilter.isEmpty else { throw .emptyTopicFilter(packet: .unsubscribe) }
                topicFilters.append(topicFilter)
            }
            guard !topicFilters.isEmpty else { throw .emptySubscriptionList(packet: .unsubscribe) }
            return Self(packetIdentifier: packetIdentifier, properties: properties, topicFilters: topicFilters)
        }

        /// Writes the UNSUBSCRIBE body.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeInteger(packetIdentifier)
            if version.hasProperties { properties.write(to: &buffer) }
            for topicFilter in topicFilters {
                buffer.writeMQTTString(topicFilter)
            }
        }
    }
}
