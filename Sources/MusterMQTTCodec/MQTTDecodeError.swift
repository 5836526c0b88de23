/// Everything that makes a byte stream an invalid MQTT packet.
///
/// Each case names the packet and, where there is one, the field, so the transport can log a precise reason and
/// pick the reason code with ``MQTTReasonCode/init(_:)-(MQTTDecodeError)``. Descriptions never carry field values,
/// so a password or token can never leak into a log through this type.
package enum MQTTDecodeError: Error, Hashable, Sendable {
    // MARK: Framing

    /// The packet type nibble is 0, or 15 (AUTH) on a 3.1.1 connection.
    case unknownPacketType(UInt8)
    /// The fixed-header flags differ from the value the packet type requires.
    case reservedFlags(packet: MQTTPacketType, flags: UInt8)
    /// The remaining length did not end within four bytes.
    case remainingLengthTooLong
    /// The whole packet (fixed header included) is larger than the configured maximum packet size.
    case packetTooLarge(size: Int, limit: Int)
    /// The first packet of a connection was not CONNECT, so its protocol version is unknown.
    case expectedConnect(received: MQTTPacketType)

    // MARK: Field encoding

    /// The body ended inside `field`.
    case truncated(packet: MQTTPacketType, field: Field)
    /// The body has `count` bytes left after the last field.
    case trailingBytes(packet: MQTTPacketType, count: Int)
    /// A UTF-8 string field is not well-formed UTF-8 (this includes UTF-16 surrogates).
    case malformedUTF8(packet: MQTTPacketType, field: Field)
    /// A UTF-8 string field contains U+0000.
    case nullCharacter(packet: MQTTPacketType, field: Field)
    /// A variable byte integer inside the body did not end within four bytes.
    case malformedVariableByteInteger(packet: MQTTPacketType, field: Field)

    // MARK: CONNECT and CONNACK

    /// The CONNECT protocol name is neither `MQTT` nor (at level 3) `MQIsdp`.
    case invalidProtocolName
    /// The CONNECT protocol level is not 3, 4 or 5.
    case unsupportedProtocolLevel(UInt8)
    /// Bits that must be zero are set (CONNECT flags bit 0, CONNACK flags bits 1–7, subscription options).
    case reservedBits(packet: MQTTPacketType, field: Field)
    /// The CONNECT flags contradict each other (will QoS or retain without will, or a 3.1.1 password
    /// without a user name).
    case inconsistentConnectFlags(MQTTConnectFlags)

    // MARK: PUBLISH, SUBSCRIBE and acknowledgements

    /// A QoS field holds 3.
    case invalidQoS(packet: MQTTPacketType)
    /// The DUP flag is set on a QoS 0 PUBLISH.
    case duplicateFlagWithQoS0
    /// A packet identifier that must be non-zero is 0.
    case missingPacketIdentifier(packet: MQTTPacketType)
    /// A PUBLISH topic name is empty (allowed in MQTT 5 only together with a Topic Alias).
    case emptyTopicName
    /// A SUBSCRIBE or UNSUBSCRIBE topic filter is empty.
    case emptyTopicFilter(packet: MQTTPacketType)
    /// A SUBSCRIBE or UNSUBSCRIBE carries no topic filter at all.
    case emptySubscriptionList(packet: MQTTPacketType)
    /// MQTT 5 subscription options carry Retain Handling 3.
    case invalidRetainHandling
    /// A return or reason code is not one this packet may carry.
    case invalidReasonCode(packet: MQTTPacketType, code: UInt8)

    // MARK: MQTT 5 properties

    /// A property identifier that MQTT 5 does not define.
    case unknownProperty(packet: MQTTPacketType, identifier: UInt8)
    /// A property that may appear once appears twice. `field` is `.property(_)` or `.willProperty(_)`.
    case duplicateProperty(packet: MQTTPacketType, field: Field)
    /// A defined property that this packet (or the will) may not carry.
    case propertyNotAllowed(packet: MQTTPacketType, field: Field)
    /// A property value outside its range (for example Receive Maximum 0, or a boolean byte of 2).
    case invalidPropertyValue(packet: MQTTPacketType, field: Field)
}

extension MQTTDecodeError {
    /// The field of a packet that an error is about.
    package enum Field: Hashable, Sendable {
        case protocolName
        case protocolLevel
        case connectFlags
        case keepAlive
        case clientIdentifier
        case willTopic
        case willPayload
        case willProperties
        case username
        case password
        case acknowledgeFlags
        case reasonCode
        case packetIdentifier
        case topicName
        case topicFilter
        case subscriptionOptions
        /// The property-length prefix or the property block as a whole.
        case properties
        /// One property of the packet's property block.
        case property(MQTTPropertyIdentifier)
        /// One property of the CONNECT will properties.
        case willProperty(MQTTPropertyIdentifier)
    }
}
