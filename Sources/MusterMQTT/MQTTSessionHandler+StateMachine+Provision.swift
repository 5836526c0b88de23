import MusterCore
import MusterMQTTCodec
import MusterProvisionWire
import NIOCore

extension MQTTSessionHandler.StateMachine {
    typealias Action = MQTTSessionHandler.Action

    /// A PUBLISH on a provisioning session (spec §3.1): its payload goes to the core's provisioning attempt.
    mutating func receivedProvisionPublish(_ publish: MQTTPacket.Publish, topic: String) -> [Action] {
        guard topic == MQTTTopic.provisionRequest else {
            return ack(publish.packetIdentifier, .topicNameInvalid) + closeWithReason(.topicNameInvalid)
        }
        return [.provision(payload: Array(buffer: publish.payload), packetIdentifier: publish.packetIdentifier)]
    }

    /// The core's provisioning attempt ended: its outcome on the wire, in this one function. A request decoded from
    /// protobuf switches the session's answers to protobuf for good (§3.1); a source that started cooling off after
    /// CONNECT is answered as a rate-limited request.
    mutating func provisionAttempted(
        _ attempt: ProvisionAttempt<ProvisionPayloadFormat, Never>, packetIdentifier: UInt16?
    ) -> [Action] {
        switch attempt {
        case .refused(let retryAfter):
            let result = Result<CredentialsMaterial, ProvisionError>.failure(.rateLimited(retryAfterSeconds: retryAfter))
            return provisioned(result, packetIdentifier: packetIdentifier)
        case .malformed(let error):
            return malformedProvision(error, packetIdentifier: packetIdentifier)
        case .answered(let result, let format):
            if format == .protobuf, phase == .provisioning { responseFormat = .protobuf }
            return provisioned(result, packetIdentifier: packetIdentifier)
        }
    }

    /// A payload that is not a provisioning request (the core has recorded it): MQTT 5 keeps a QoS 1 session whose
    /// payload is not protobuf either (PUBACK 0x99); every other case closes (0x99, or 0x83 after its PUBACK).
    private mutating func malformedProvision(_ error: ProvisionRequestError, packetIdentifier: UInt16?) -> [Action] {
        guard phase == .provisioning else { return [] }
        if case .invalidProtobuf = error {
            if version.hasProperties, let packetIdentifier {
                return ack(packetIdentifier, .payloadFormatInvalid)
            }
            return closeWithReason(.payloadFormatInvalid)
        }
        return ack(packetIdentifier, .implementationSpecificError) + closeWithReason(.implementationSpecificError)
    }

    /// The core answered a provisioning request: PUBACK first, then the answer on `/provision/response` (even
    /// without a subscription), then the session's close timer starts.
    mutating func provisioned(_ result: Result<CredentialsMaterial, ProvisionError>, packetIdentifier: UInt16?) -> [Action] {
        guard phase == .provisioning else { return [] }
        let payload = ProvisionResponse.encode(result, format: responseFormat)
        let qos = grantedQoS(for: MQTTTopic.provisionResponse, fallback: .atLeastOnce)
        var actions = ack(packetIdentifier, .success)
        actions += publishing(MQTTTopic.provisionResponse, payload: payload, qos: qos)
        if case .failure(.rateLimited) = result { return actions + closeWithReason(.connectionRateExceeded) }
        startCloseTimer()
        return actions
    }

    /// A PUBACK for a QoS 1 PUBLISH, a PUBREC for a QoS 2 one (nothing for QoS 0); 3.1.1 drops the reason code.
    /// A QoS 1 PUBLISH no longer counts against the Receive Maximum; a QoS 2 one counts until PUBCOMP, unless its
    /// PUBREC refuses it, which ends its flow (MQTT 5 §4.9).
    mutating func ack(_ packetIdentifier: UInt16?, _ reason: MQTTReasonCode) -> [Action] {
        guard let packetIdentifier else { return [] }
        guard awaitingRelease.contains(packetIdentifier) else {
            unacknowledged = max(0, unacknowledged - 1)
            return [.send(.pubAck(.init(packetIdentifier: packetIdentifier, reasonCode: reason)))]
        }
        if reason.isFailure {
            awaitingRelease.remove(packetIdentifier)
            unacknowledged = max(0, unacknowledged - 1)
        }
        return [.send(.pubRec(.init(packetIdentifier: packetIdentifier, reasonCode: reason)))]
    }

    /// SUBSCRIBE: a provisioning session may subscribe to `/provision/response` only; a device session to the
    /// device topics. Granted QoS is at most 1.
    mutating func receivedSubscribe(_ subscribe: MQTTPacket.Subscribe) -> [Action] {
        let allowed: Set<String> = phase == .provisioning ? [MQTTTopic.provisionResponse] : MQTTTopic.deviceFilters
        let codes = subscribe.subscriptions.map { subscription -> MQTTReasonCode in
            guard allowed.contains(subscription.topicFilter) else { return subscribeFailure(.topicFilterInvalid) }
            let qos = min(subscription.options.qos, .atLeastOnce)
            subscriptions[subscription.topicFilter] = qos
            return qos == .atLeastOnce ? .grantedQoS1 : .grantedQoS0
        }
        return [.send(.subAck(.init(packetIdentifier: subscribe.packetIdentifier, reasonCodes: codes)))]
    }

    /// UNSUBSCRIBE: success for a subscription that existed, 0x11 otherwise (MQTT 5).
    mutating func receivedUnsubscribe(_ unsubscribe: MQTTPacket.Unsubscribe) -> [Action] {
        let codes = unsubscribe.topicFilters.map { filter -> MQTTReasonCode in
            subscriptions.removeValue(forKey: filter) == nil ? .noSubscriptionExisted : .success
        }
        return [.send(.unsubAck(.init(packetIdentifier: unsubscribe.packetIdentifier, reasonCodes: version.hasProperties ? codes : [])))]
    }
}
