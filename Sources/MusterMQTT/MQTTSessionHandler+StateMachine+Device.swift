import MusterCore
import MusterMQTTCodec
import NIOCore

extension MQTTSessionHandler.StateMachine {
    /// A PUBLISH on an authenticated device session (spec §3.4).
    mutating func receivedDevicePublish(_ publish: MQTTPacket.Publish, topic: String) -> [Action] {
        guard !MQTTTopic.hasWildcard(topic) else { return closeWithReason(.topicNameInvalid) }
        let identifier = publish.packetIdentifier
        let payload = Array(buffer: publish.payload)
        if topic == MQTTTopic.telemetry { return [.postTelemetry(payload: payload, packetIdentifier: identifier)] }
        if topic == MQTTTopic.attributes { return [.postAttributes(payload: payload, packetIdentifier: identifier)] }
        if let requestId = Self.suffix(of: topic, after: MQTTTopic.attributesRequestPrefix) {
            guard let (clientKeys, sharedKeys) = MQTTDevicePayloads.attributeKeys(payload) else {
                return devicePublishCompleted(packetIdentifier: identifier, .invalidPayload)
            }
            return ack(identifier, .success) + [.readAttributes(requestId: requestId, clientKeys: clientKeys, sharedKeys: sharedKeys)]
        }
        if let requestId = Self.suffix(of: topic, after: MQTTTopic.rpcRequestPrefix) {
            var actions = ack(identifier, .success)
            if MQTTDevicePayloads.rpcMethod(payload) == "getSessionLimits" {
                let response = MQTTTopic.rpcResponsePrefix + requestId
                let limits = MQTTDevicePayloads.sessionLimits(
                    maximumPacketSize: configuration.maximumPacketSize, receiveMaximum: configuration.receiveMaximum
                )
                actions += publishing(response, payload: limits, qos: grantedQoS(for: response, fallback: .atMostOnce))
            }
            return actions
        }
        if Self.suffix(of: topic, after: MQTTTopic.rpcResponsePrefix) != nil { return ack(identifier, .success) }
        return ack(identifier, .topicNameInvalid)
    }

    /// The core stored (or refused) a device PUBLISH. A payload it cannot read gets PUBACK 0x99 on MQTT 5 QoS 1;
    /// otherwise the connection is closed, as ThingsBoard does.
    mutating func devicePublishCompleted(packetIdentifier: UInt16?, _ outcome: MQTTSessionHandler.DevicePublishOutcome) -> [Action] {
        guard phase == .device else { return [] }
        switch outcome {
        case .stored:
            return ack(packetIdentifier, .success)
        case .invalidPayload:
            if version.hasProperties, packetIdentifier != nil { return ack(packetIdentifier, .payloadFormatInvalid) }
            return closeWithReason(.payloadFormatInvalid)
        case .serverError:
            if version.hasProperties, packetIdentifier != nil { return ack(packetIdentifier, .implementationSpecificError) }
            return closeWithReason(.implementationSpecificError)
        }
    }

    /// Attributes were read for `v1/devices/me/attributes/request/{id}`: answers on `…/response/{id}`.
    mutating func attributesRead(requestId: String, client: [Attribute], shared: [Attribute]) -> [Action] {
        guard phase == .device else { return [] }
        let topic = MQTTTopic.attributesResponsePrefix + requestId
        let payload = MQTTDevicePayloads.attributesResponse(client: client, shared: shared)
        return publishing(topic, payload: payload, qos: grantedQoS(for: topic, fallback: .atMostOnce))
    }

    /// An admin changed shared attributes: pushed on `v1/devices/me/attributes` when the device subscribed to it.
    mutating func sharedAttributesChanged(_ attributes: [Attribute]) -> [Action] {
        guard phase == .device, !attributes.isEmpty,
            let qos = subscriptions.filter({ MQTTTopic.matches(MQTTTopic.attributes, filter: $0.key) }).map(\.value).max()
        else { return [] }
        return publishing(MQTTTopic.attributes, payload: MQTTDevicePayloads.attributes(attributes), qos: qos)
    }

    private static func suffix(of topic: String, after prefix: String) -> String? {
        guard topic.hasPrefix(prefix), topic.utf8.count > prefix.utf8.count else { return nil }
        return String(topic.dropFirst(prefix.count))
    }
}
