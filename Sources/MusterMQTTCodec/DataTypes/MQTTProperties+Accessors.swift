// Typed accessors for the single-valued MQTT 5 properties. Setting a value replaces the property in place (or
// appends it); setting `nil` removes it.
extension MQTTProperties {
    package var payloadFormatIndicator: MQTTPayloadFormatIndicator? {
        get { first { if case .payloadFormatIndicator(let value) = $0 { value } else { nil } } }
        set { replace(.payloadFormatIndicator, with: newValue.map(MQTTProperty.payloadFormatIndicator)) }
    }

    package var messageExpiryInterval: UInt32? {
        get { first { if case .messageExpiryInterval(let value) = $0 { value } else { nil } } }
        set { replace(.messageExpiryInterval, with: newValue.map(MQTTProperty.messageExpiryInterval)) }
    }

    package var contentType: String? {
        get { first { if case .contentType(let value) = $0 { value } else { nil } } }
        set { replace(.contentType, with: newValue.map(MQTTProperty.contentType)) }
    }

    package var responseTopic: String? {
        get { first { if case .responseTopic(let value) = $0 { value } else { nil } } }
        set { replace(.responseTopic, with: newValue.map(MQTTProperty.responseTopic)) }
    }

    package var correlationData: [UInt8]? {
        get { first { if case .correlationData(let value) = $0 { value } else { nil } } }
        set { replace(.correlationData, with: newValue.map(MQTTProperty.correlationData)) }
    }

    package var sessionExpiryInterval: UInt32? {
        get { first { if case .sessionExpiryInterval(let value) = $0 { value } else { nil } } }
        set { replace(.sessionExpiryInterval, with: newValue.map(MQTTProperty.sessionExpiryInterval)) }
    }

    package var assignedClientIdentifier: String? {
        get { first { if case .assignedClientIdentifier(let value) = $0 { value } else { nil } } }
        set { replace(.assignedClientIdentifier, with: newValue.map(MQTTProperty.assignedClientIdentifier)) }
    }

    package var serverKeepAlive: UInt16? {
        get { first { if case .serverKeepAlive(let value) = $0 { value } else { nil } } }
        set { replace(.serverKeepAlive, with: newValue.map(MQTTProperty.serverKeepAlive)) }
    }

    package var authenticationMethod: String? {
        get { first { if case .authenticationMethod(let value) = $0 { value } else { nil } } }
        set { replace(.authenticationMethod, with: newValue.map(MQTTProperty.authenticationMethod)) }
    }

    package var authenticationData: [UInt8]? {
        get { first { if case .authenticationData(let value) = $0 { value } else { nil } } }
        set { replace(.authenticationData, with: newValue.map(MQTTProperty.authenticationData)) }
    }

    package var requestProblemInformation: Bool? {
        get { first { if case .requestProblemInformation(let value) = $0 { value } else { nil } } }
        set { replace(.requestProblemInformation, with: newValue.map(MQTTProperty.requestProblemInformation)) }
    }

    package var willDelayInterval: UInt32? {
        get { first { if case .willDelayInterval(let value) = $0 { value } else { nil } } }
        set { replace(.willDelayInterval, with: newValue.map(MQTTProperty.willDelayInterval)) }
    }

    package var requestResponseInformation: Bool? {
        get { first { if case .requestResponseInformation(let value) = $0 { value } else { nil } } }
        set { replace(.requestResponseInformation, with: newValue.map(MQTTProperty.requestResponseInformation)) }
    }

    package var responseInformation: String? {
        get { first { if case .responseInformation(let value) = $0 { value } else { nil } } }
        set { replace(.responseInformation, with: newValue.map(MQTTProperty.responseInformation)) }
    }

    package var serverReference: String? {
        get { first { if case .serverReference(let value) = $0 { value } else { nil } } }
        set { replace(.serverReference, with: newValue.map(MQTTProperty.serverReference)) }
    }

    package var reasonString: String? {
        get { first { if case .reasonString(let value) = $0 { value } else { nil } } }
        set { replace(.reasonString, with: newValue.map(MQTTProperty.reasonString)) }
    }

    package var receiveMaximum: UInt16? {
        get { first { if case .receiveMaximum(let value) = $0 { value } else { nil } } }
        set { replace(.receiveMaximum, with: newValue.map(MQTTProperty.receiveMaximum)) }
    }

    package var topicAliasMaximum: UInt16? {
        get { first { if case .topicAliasMaximum(let value) = $0 { value } else { nil } } }
        set { replace(.topicAliasMaximum, with: newValue.map(MQTTProperty.topicAliasMaximum)) }
    }

    package var topicAlias: UInt16? {
        get { first { if case .topicAlias(let value) = $0 { value } else { nil } } }
        set { replace(.topicAlias, with: newValue.map(MQTTProperty.topicAlias)) }
    }

    package var maximumQoS: MQTTQoS? {
        get { first { if case .maximumQoS(let value) = $0 { value } else { nil } } }
        set { replace(.maximumQoS, with: newValue.map(MQTTProperty.maximumQoS)) }
    }

    package var retainAvailable: Bool? {
        get { first { if case .retainAvailable(let value) = $0 { value } else { nil } } }
        set { replace(.retainAvailable, with: newValue.map(MQTTProperty.retainAvailable)) }
    }

    package var maximumPacketSize: UInt32? {
        get { first { if case .maximumPacketSize(let value) = $0 { value } else { nil } } }
        set { replace(.maximumPacketSize, with: newValue.map(MQTTProperty.maximumPacketSize)) }
    }

    package var wildcardSubscriptionAvailable: Bool? {
        get { first { if case .wildcardSubscriptionAvailable(let value) = $0 { value } else { nil } } }
        set { replace(.wildcardSubscriptionAvailable, with: newValue.map(MQTTProperty.wildcardSubscriptionAvailable)) }
    }

    package var subscriptionIdentifierAvailable: Bool? {
        get { first { if case .subscriptionIdentifierAvailable(let value) = $0 { value } else { nil } } }
        set {
            replace(.subscriptionIdentifierAvailable, with: newValue.map(MQTTProperty.subscriptionIdentifierAvailable))
        }
    }

    package var sharedSubscriptionAvailable: Bool? {
        get { first { if case .sharedSubscriptionAvailable(let value) = $0 { value } else { nil } } }
        set { replace(.sharedSubscriptionAvailable, with: newValue.map(MQTTProperty.sharedSubscriptionAvailable)) }
    }

    /// Every User Property, in order.
    package var userProperties: [MQTTUserProperty] {
        get { all.compactMap { if case .userProperty(let pair) = $0 { pair } else { nil } } }
        set {
            all.removeAll { $0.identifier == .userProperty }
            all.append(contentsOf: newValue.map(MQTTProperty.userProperty))
        }
    }

    /// Every Subscription Identifier, in order (several only in a PUBLISH sent to a subscriber).
    package var subscriptionIdentifiers: [Int] {
        get { all.compactMap { if case .subscriptionIdentifier(let value) = $0 { value } else { nil } } }
        set {
            all.removeAll { $0.identifier == .subscriptionIdentifier }
            all.append(contentsOf: newValue.map(MQTTProperty.subscriptionIdentifier))
        }
    }

    private func first<Value>(_ extract: (MQTTProperty) -> Value?) -> Value? {
        for property in all {
            if let value = extract(property) { return value }
        }
        return nil
    }

    private mutating func replace(_ identifier: MQTTPropertyIdentifier, with property: MQTTProperty?) {
        guard let index = all.firstIndex(where: { $0.identifier == identifier }) else {
            if let property { all.append(property) }
            return
        }
        all.removeAll { $0.identifier == identifier }
        if let property { all.insert(property, at: index) }
    }
}
