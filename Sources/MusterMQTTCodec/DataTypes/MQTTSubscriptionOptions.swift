/// The options byte after each SUBSCRIBE topic filter (MQTT 5 §3.8.3.1; in 3.1.1 only the QoS bits exist).
package struct MQTTSubscriptionOptions: Hashable, Sendable {
    /// The maximum QoS the client wants messages at.
    package var qos: MQTTQoS
    /// MQTT 5: do not send the client its own publications.
    package var noLocal: Bool
    /// MQTT 5: keep the RETAIN flag of forwarded messages.
    package var retainAsPublished: Bool
    /// MQTT 5: when to send retained messages.
    package var retainHandling: RetainHandling

    package init(
        qos: MQTTQoS = .atMostOnce,
        noLocal: Bool = false,
        retainAsPublished: Bool = false,
        retainHandling: RetainHandling = .sendOnSubscribe
    ) {
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }

    /// When retained messages are sent for a new subscription.
    package enum RetainHandling: UInt8, Hashable, Sendable {
        case sendOnSubscribe = 0
        case sendOnNewSubscribe = 1
        case doNotSend = 2
    }

    /// Decodes an options byte.
    /// - Parameters:
    ///   - byte: The byte after the topic filter.
    ///   - version: The connection's protocol version: 3.1.1 reserves bits 2–7, MQTT 5 bits 6–7.
    /// - Throws: ``MQTTDecodeError/reservedBits(packet:field:)``, ``MQTTDecodeError/invalidQoS(packet:)`` or
    ///   ``MQTTDecodeError/invalidRetainHandling``.
    package init(_ byte: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) {
        let reservedMask: UInt8 = version.hasProperties ? 0b1100_0000 : 0b1111_1100
        guard byte & reservedMask == 0 else { throw .reservedBits(packet: .subscribe, field: .subscriptionOptions) }
        guard let qos = MQTTQoS(rawValue: byte & 0b11) else { throw .invalidQoS(packet: .subscribe) }
        guard let retainHandling = RetainHandling(rawValue: (byte >> 4) & 0b11) else {
            throw .invalidRetainHandling
        }
        self.init(
            qos: qos,
            noLocal: byte & 0b0100 != 0,
            retainAsPublished: byte & 0b1000 != 0,
            retainHandling: retainHandling
        )
    }

    /// Encodes the options byte for `version`.
    package func byte(version: MQTTProtocolVersion) -> UInt8 {
        guard version.hasProperties else { return qos.rawValue }
        return qos.rawValue | (noLocal ? 0b0100 : 0) | (retainAsPublished ? 0b1000 : 0) | retainHandling.rawValue << 4
    }
}
