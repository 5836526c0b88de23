/// One MQTT 5 property with its typed value.
package enum MQTTProperty: Hashable, Sendable {
    case payloadFormatIndicator(MQTTPayloadFormatIndicator)
    case messageExpiryInterval(UInt32)
    case contentType(String)
    case responseTopic(String)
    case correlationData([UInt8])
    /// 1 to 268,435,455.
    case subscriptionIdentifier(Int)
    case sessionExpiryInterval(UInt32)
    case assignedClientIdentifier(String)
    case serverKeepAlive(UInt16)
    case authenticationMethod(String)
    case authenticationData([UInt8])
    case requestProblemInformation(Bool)
    case willDelayInterval(UInt32)
    case requestResponseInformation(Bool)
    case responseInformation(String)
    case serverReference(String)
    case reasonString(String)
    /// Non-zero.
    case receiveMaximum(UInt16)
    case topicAliasMaximum(UInt16)
    /// Non-zero.
    case topicAlias(UInt16)
    /// ``MQTTQoS/atMostOnce`` or ``MQTTQoS/atLeastOnce``.
    case maximumQoS(MQTTQoS)
    case retainAvailable(Bool)
    case userProperty(MQTTUserProperty)
    /// Non-zero.
    case maximumPacketSize(UInt32)
    case wildcardSubscriptionAvailable(Bool)
    case subscriptionIdentifierAvailable(Bool)
    case sharedSubscriptionAvailable(Bool)

    /// The identifier written before the value.
    package var identifier: MQTTPropertyIdentifier {
        switch self {
        case .payloadFormatIndicator: .payloadFormatIndicator
        case .messageExpiryInterval: .messageExpiryInterval
        case .contentType: .contentType
        case .responseTopic: .responseTopic
        case .correlationData: .correlationData
        case .subscriptionIdentifier: .subscriptionIdentifier
        case .sessionExpiryInterval: .sessionExpiryInterval
        case .assignedClientIdentifier: .assignedClientIdentifier
        case .serverKeepAlive: .serverKeepAlive
        case .authenticationMethod: .authenticationMethod
        case .authenticationData: .authenticationData
        case .requestProblemInformation: .requestProblemInformation
        case .willDelayInterval: .willDelayInterval
        case .requestResponseInformation: .requestResponseInformation
        case .responseInformation: .responseInformation
        case .serverReference: .serverReference
        case .reasonString: .reasonString
        case .receiveMaximum: .receiveMaximum
        case .topicAliasMaximum: .topicAliasMaximum
        case .topicAlias: .topicAlias
        case .maximumQoS: .maximumQoS
        case .retainAvailable: .retainAvailable
        case .userProperty: .userProperty
        case .maximumPacketSize: .maximumPacketSize
        case .wildcardSubscriptionAvailable: .wildcardSubscriptionAvailable
        case .subscriptionIdentifierAvailable: .subscriptionIdentifierAvailable
        case .sharedSubscriptionAvailable: .sharedSubscriptionAvailable
        }
    }
}

/// A User Property: a name and a value, both UTF-8 strings. Names may repeat.
package struct MQTTUserProperty: Hashable, Sendable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The Payload Format Indicator of a PUBLISH or will message.
package enum MQTTPayloadFormatIndicator: UInt8, Hashable, Sendable {
    /// Unspecified bytes.
    case unspecified = 0
    /// UTF-8 encoded character data.
    case utf8 = 1
}
