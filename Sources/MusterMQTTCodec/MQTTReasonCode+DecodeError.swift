extension MQTTReasonCode {
    /// The reason code a server sends (in CONNACK before a session exists, in DISCONNECT after) when it closes a
    /// connection because of `error`.
    ///
    /// MQTT 5 §4.13 separates a Malformed Packet (cannot be parsed) from a Protocol Error (parsed, but breaks a
    /// rule); the spec's explicit verdicts are followed where it gives one. For 3.1.1, map the result with
    /// ``MQTTConnectReturnCode/init(_:)`` for a CONNACK, or just close the connection.
    /// - Parameter error: Why the packet was rejected.
    package init(_ error: MQTTDecodeError) {
        switch error {
        case .unknownPacketType, .reservedFlags, .remainingLengthTooLong, .truncated, .trailingBytes,
            .malformedUTF8, .nullCharacter, .malformedVariableByteInteger, .reservedBits,
            .inconsistentConnectFlags, .invalidQoS, .duplicateFlagWithQoS0, .emptyTopicFilter,
            .invalidReasonCode, .unknownProperty, .propertyNotAllowed:
            self = .malformedPacket
        case .expectedConnect, .missingPacketIdentifier, .emptyTopicName, .emptySubscriptionList,
            .invalidRetainHandling, .duplicateProperty, .invalidPropertyValue:
            self = .protocolError
        case .packetTooLarge:
            self = .packetTooLarge
        case .invalidProtocolName, .unsupportedProtocolLevel:
            self = .unsupportedProtocolVersion
        }
    }
}
