import NIOCore

extension MQTTProperty {
    /// Reads the value of the property `identifier`, whose identifier has already been read.
    /// - Parameters:
    ///   - identifier: The property being read.
    ///   - buffer: The property block, positioned after the identifier.
    ///   - packet: The packet being read, for errors.
    ///   - field: `.property(identifier)` or `.willProperty(identifier)`, for errors.
    /// - Returns: The property.
    /// - Throws: ``MQTTDecodeError/truncated(packet:field:)``, a string error, or
    ///   ``MQTTDecodeError/invalidPropertyValue(packet:field:)`` for a value outside the property's range.
    package static func read(
        _ identifier: MQTTPropertyIdentifier,
        from buffer: inout ByteBuffer,
        packet: MQTTPacketType,
        field: MQTTDecodeError.Field
    ) throws(MQTTDecodeError) -> Self {
        let invalid = MQTTDecodeError.invalidPropertyValue(packet: packet, field: field)
        switch identifier.dataType {
        case .byte:
            let byte = try buffer.readMQTTInteger(as: UInt8.self, packet: packet, field: field)
            guard byte <= 1 else { throw invalid }
            let flag = byte == 1
            switch identifier {
            case .payloadFormatIndicator: return .payloadFormatIndicator(flag ? .utf8 : .unspecified)
            case .requestProblemInformation: return .requestProblemInformation(flag)
            case .requestResponseInformation: return .requestResponseInformation(flag)
            case .maximumQoS: return .maximumQoS(flag ? .atLeastOnce : .atMostOnce)
            case .retainAvailable: return .retainAvailable(flag)
            case .wildcardSubscriptionAvailable: return .wildcardSubscriptionAvailable(flag)
            case .subscriptionIdentifierAvailable: return .subscriptionIdentifierAvailable(flag)
            default: return .sharedSubscriptionAvailable(flag)
            }
        case .twoByteInteger:
            let value = try buffer.readMQTTInteger(as: UInt16.self, packet: packet, field: field)
            switch identifier {
            case .serverKeepAlive: return .serverKeepAlive(value)
            case .topicAliasMaximum: return .topicAliasMaximum(value)
            case .receiveMaximum:
                guard value != 0 else { throw invalid }
                return .receiveMaximum(value)
            default:
                guard value != 0 else { throw invalid }
                return .topicAlias(value)
            }
        case .fourByteInteger:
            let value = try buffer.readMQTTInteger(as: UInt32.self, packet: packet, field: field)
            switch identifier {
            case .messageExpiryInterval: return .messageExpiryInterval(value)
            case .sessionExpiryInterval: return .sessionExpiryInterval(value)
            case .willDelayInterval: return .willDelayInterval(value)
            default:
                guard value != 0 else { throw invalid }
                return .maximumPacketSize(value)
            }
        case .variableByteInteger:
            let value = try buffer.readMQTTVariableByteInteger(packet: packet, field: field)
            guard value != 0 else { throw invalid }
            return .subscriptionIdentifier(value)
        case .utf8String:
            let value = try buffer.readMQTTString(packet: packet, field: field)
            switch identifier {
            case .contentType: return .contentType(value)
            case .responseTopic: return .responseTopic(value)
            case .assignedClientIdentifier: return .assignedClientIdentifier(value)
            case .authenticationMethod: return .authenticationMethod(value)
            case .responseInformation: return .responseInformation(value)
            case .serverReference: return .serverReference(value)
            default: return .reasonString(value)
            }
        case .binaryData:
            let value = try buffer.readMQTTBinary(packet: packet, field: field)
            return identifier == .correlationData ? .correlationData(value) : .authenticationData(value)
        case .utf8StringPair:
            let name = try buffer.readMQTTString(packet: packet, field: field)
            let value = try buffer.readMQTTString(packet: packet, field: field)
            return .userProperty(MQTTUserProperty(name: name, value: value))
        }
    }

    /// Writes the identifier and the value.
    /// - Parameter buffer: The buffer to append to.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeMQTTVariableByteInteger(Int(identifier.rawValue))
        switch self {
        case .payloadFormatIndicator(let format): buffer.writeInteger(format.rawValue)
        case .maximumQoS(let qos): buffer.writeInteger(qos.rawValue)
        case .requestProblemInformation(let flag), .requestResponseInformation(let flag),
            .retainAvailable(let flag), .wildcardSubscriptionAvailable(let flag),
            .subscriptionIdentifierAvailable(let flag), .sharedSubscriptionAvailable(let flag):
            buffer.writeInteger(flag ? 1 : 0 as UInt8)
        case .serverKeepAlive(let value), .receiveMaximum(let value), .topicAliasMaximum(let value),
            .topicAlias(let value):
            buffer.writeInteger(value)
        case .messageExpiryInterval(let value), .sessionExpiryInterval(let value), .willDelayInterval(let value),
            .maximumPacketSize(let value):
            buffer.writeInteger(value)
        case .subscriptionIdentifier(let value):
            buffer.writeMQTTVariableByteInteger(value)
        case .contentType(let value), .responseTopic(let value), .assignedClientIdentifier(let value),
            .authenticationMethod(let value), .responseInformation(let value), .serverReference(let value),
            .reasonString(let value):
            buffer.writeMQTTString(value)
        case .correlationData(let value), .authenticationData(let value):
            buffer.writeMQTTBinary(value)
        case .userProperty(let pair):
            buffer.writeMQTTString(pair.name)
            buffer.writeMQTTString(pair.value)
        }
    }
}
