import NIOCore

extension MQTTPacket {
    /// SUBSCRIBE: topic filters a client wants messages for (MQTT 5 §3.8, 3.1.1 §3.8).
    package struct Subscribe: Hashable, Sendable {
        package var packetIdentifier: UInt16
        /// MQTT 5 only, e.g. a Subscription Identifier.
        package var properties: MQTTProperties
        /// At least one filter.
        package var subscriptions: [Subscription]

        package init(packetIdentifier: UInt16, properties: MQTTProperties = [], subscriptions: [Subscription]) {
            self.packetIdentifier = packetIdentifier
            self.properties = properties
            self.subscriptions = subscriptions
        }

        /// One topic filter with its options.
        package struct Subscription: Hashable, Sendable {
            package var topicFilter: String
            package var options: MQTTSubscriptionOptions

            package init(topicFilter: String, options: MQTTSubscriptionOptions = .init()) {
                self.topicFilter = topicFilter
                self.options = options
            }
        }

        /// Reads a SUBSCRIBE body. Topic filter syntax (wildcard placement) is left to the session, which answers
        /// a bad filter with a SUBACK failure code rather than closing the connection.
        /// - Parameters:
        ///   - body: The body; fully consumed on success.
        ///   - version: The connection's protocol version.
        /// - Returns: The packet.
        /// - Throws: ``MQTTDecodeError/emptySubscriptionList(packet:)``, ``MQTTDecodeError/emptyTopicFilter(packet:)``,
        ///   an options error, or a field error.
        package static func read(
            from body: inout ByteBuffer,
            version: MQTTProtocolVersion
        ) throws(MQTTDecodeError) -> Self {
            let packetIdentifier = try body.readMQTTPacketIdentifier(packet: .subscribe)
            let properties: MQTTProperties = try version.hasProperties ? .read(from: &body, packet: .subscribe) : []
            var subscriptions: [Subscription] = []
            while body.readableBytes > 0 {
                let topicFilter = try body.readMQTTString(packet: .subscribe, field: .topicFilter)
                guard !topicFilter.isEmpty else { throw .emptyTopicFilter(packet: .subscribe) }
                let byte = try body.readMQTTInteger(as: UInt8.self, packet: .subscribe, field: .subscriptionOptions)
                subscriptions.append(
                    Subscription(topicFilter: topicFilter, options: try MQTTSubscriptionOptions(byte, version: version))
                )
            }
            guard !subscriptions.isEmpty else { throw .emptySubscriptionList(packet: .subscribe) }
            return Self(packetIdentifier: packetIdentifier, properties: properties, subscriptions: subscriptions)
        }

        /// Writes the SUBSCRIBE body.
        /// - Parameters:
        ///   - buffer: The buffer to append to.
        ///   - version: The connection's protocol version; 3.1.1 writes the QoS bits of the options only.
        package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
            buffer.writeInteger(packetIdentifier)
            if version.hasProperties { properties.write(to: &buffer) }
            for subscription in subscriptions {
                buffer.writeMQTTString(subscription.topicFilter)
                buffer.writeInteger(subscription.options.byte(version: version))
            }
        }
    }
}
