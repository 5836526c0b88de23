/// An MQTT 5 property identifier, with the data type and the packets the property may appear in (MQTT 5 table
/// 2-4 and §3.x.2.2).
package enum MQTTPropertyIdentifier: UInt8, Hashable, Sendable, CaseIterable {
    case payloadFormatIndicator = 0x01
    case messageExpiryInterval = 0x02
    case contentType = 0x03
    case responseTopic = 0x08
    case correlationData = 0x09
    case subscriptionIdentifier = 0x0B
    case sessionExpiryInterval = 0x11
    case assignedClientIdentifier = 0x12
    case serverKeepAlive = 0x13
    case authenticationMethod = 0x15
    case authenticationData = 0x16
    case requestProblemInformation = 0x17
    case willDelayInterval = 0x18
    case requestResponseInformation = 0x19
    case responseInformation = 0x1A
    case serverReference = 0x1C
    case reasonString = 0x1F
    case receiveMaximum = 0x21
    case topicAliasMaximum = 0x22
    case topicAlias = 0x23
    case maximumQoS = 0x24
    case retainAvailable = 0x25
    case userProperty = 0x26
    case maximumPacketSize = 0x27
    case wildcardSubscriptionAvailable = 0x28
    case subscriptionIdentifierAvailable = 0x29
    case sharedSubscriptionAvailable = 0x2A

    /// The wire type of a property value (MQTT 5 §1.5).
    package enum DataType: Hashable, Sendable {
        case byte
        case twoByteInteger
        case fourByteInteger
        case variableByteInteger
        case utf8String
        case binaryData
        case utf8StringPair
    }

    /// The wire type of this property's value.
    package var dataType: DataType {
        switch self {
        case .payloadFormatIndicator, .requestProblemInformation, .requestResponseInformation, .maximumQoS,
            .retainAvailable, .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable,
            .sharedSubscriptionAvailable:
            .byte
        case .serverKeepAlive, .receiveMaximum, .topicAliasMaximum, .topicAlias:
            .twoByteInteger
        case .messageExpiryInterval, .sessionExpiryInterval, .willDelayInterval, .maximumPacketSize:
            .fourByteInteger
        case .subscriptionIdentifier:
            .variableByteInteger
        case .contentType, .responseTopic, .assignedClientIdentifier, .authenticationMethod,
            .responseInformation, .serverReference, .reasonString:
            .utf8String
        case .correlationData, .authenticationData:
            .binaryData
        case .userProperty:
            .utf8StringPair
        }
    }

    /// Whether the property may appear more than once in one property block (User Property anywhere,
    /// Subscription Identifier in PUBLISH).
    package func mayRepeat(in packet: MQTTPacketType) -> Bool {
        self == .userProperty || (self == .subscriptionIdentifier && packet == .publish)
    }

    /// Whether the property may appear in the property block of `packet`, or in the CONNECT will properties
    /// when `will` is true.
    package func isAllowed(in packet: MQTTPacketType, will: Bool) -> Bool {
        if will {
            return Self.willProperties.contains(self)
        }
        switch self {
        case .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic, .correlationData,
            .topicAlias:
            return packet == .publish
        case .subscriptionIdentifier:
            return packet == .publish || packet == .subscribe
        case .sessionExpiryInterval:
            return packet == .connect || packet == .connAck || packet == .disconnect
        case .assignedClientIdentifier, .serverKeepAlive, .responseInformation, .maximumQoS, .retainAvailable,
            .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable, .sharedSubscriptionAvailable:
            return packet == .connAck
        case .authenticationMethod, .authenticationData:
            return packet == .connect || packet == .connAck || packet == .auth
        case .requestProblemInformation, .requestResponseInformation:
            return packet == .connect
        case .willDelayInterval:
            return false
        case .serverReference:
            return packet == .connAck || packet == .disconnect
        case .reasonString:
            return [.connAck, .pubAck, .pubRec, .pubRel, .pubComp, .subAck, .unsubAck, .disconnect, .auth]
                .contains(packet)
        case .receiveMaximum, .topicAliasMaximum, .maximumPacketSize:
            return packet == .connect || packet == .connAck
        case .userProperty:
            return packet != .pingReq && packet != .pingResp
        }
    }

    private static let willProperties: Set<Self> = [
        .willDelayInterval, .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic,
        .correlationData, .userProperty,
    ]
}
