/// An MQTT 5 reason code (MQTT 5 §2.4).
///
/// MQTT 5 gives some values several names depending on the packet (0x00 is Success, Normal disconnection and
/// Granted QoS 0). Each value is one case here, and the other names are static aliases. The 3.1.1 SUBACK return
/// codes 0x00, 0x01, 0x02 and 0x80 are the same bytes, so SUBACK uses this type in both versions; 3.1.1 CONNACK
/// return codes are mapped by ``MQTTConnectReturnCode``.
package enum MQTTReasonCode: UInt8, Hashable, Sendable, CaseIterable {
    case success = 0x00
    case grantedQoS1 = 0x01
    case grantedQoS2 = 0x02
    case disconnectWithWillMessage = 0x04
    case noMatchingSubscribers = 0x10
    case noSubscriptionExisted = 0x11
    case continueAuthentication = 0x18
    case reAuthenticate = 0x19
    case unspecifiedError = 0x80
    case malformedPacket = 0x81
    case protocolError = 0x82
    case implementationSpecificError = 0x83
    case unsupportedProtocolVersion = 0x84
    case clientIdentifierNotValid = 0x85
    case badUserNameOrPassword = 0x86
    case notAuthorized = 0x87
    case serverUnavailable = 0x88
    case serverBusy = 0x89
    case banned = 0x8A
    case serverShuttingDown = 0x8B
    case badAuthenticationMethod = 0x8C
    case keepAliveTimeout = 0x8D
    case sessionTakenOver = 0x8E
    case topicFilterInvalid = 0x8F
    case topicNameInvalid = 0x90
    case packetIdentifierInUse = 0x91
    case packetIdentifierNotFound = 0x92
    case receiveMaximumExceeded = 0x93
    case topicAliasInvalid = 0x94
    case packetTooLarge = 0x95
    case messageRateTooHigh = 0x96
    case quotaExceeded = 0x97
    case administrativeAction = 0x98
    case payloadFormatInvalid = 0x99
    case retainNotSupported = 0x9A
    case qosNotSupported = 0x9B
    case useAnotherServer = 0x9C
    case serverMoved = 0x9D
    case sharedSubscriptionsNotSupported = 0x9E
    case connectionRateExceeded = 0x9F
    case maximumConnectTime = 0xA0
    case subscriptionIdentifiersNotSupported = 0xA1
    case wildcardSubscriptionsNotSupported = 0xA2

    /// 0x00 in DISCONNECT.
    package static var normalDisconnection: Self { .success }
    /// 0x00 in SUBACK.
    package static var grantedQoS0: Self { .success }

    /// Whether the value reports a failure (0x80 and above).
    package var isFailure: Bool { rawValue >= 0x80 }

    /// Whether MQTT 5 allows this reason code in `packet` (the "Packets" column of MQTT 5 table 2-6).
    package func isAllowed(in packet: MQTTPacketType) -> Bool {
        switch packet {
        case .connAck:
            return self == .success || (isFailure && Self.connAckFailures.contains(self))
        case .pubAck, .pubRec:
            return [
                .success, .noMatchingSubscribers, .unspecifiedError, .implementationSpecificError, .notAuthorized,
                .topicNameInvalid, .packetIdentifierInUse, .quotaExceeded, .payloadFormatInvalid,
            ].contains(self)
        case .pubRel, .pubComp:
            return self == .success || self == .packetIdentifierNotFound
        case .subAck:
            return [
                .success, .grantedQoS1, .grantedQoS2, .unspecifiedError, .implementationSpecificError,
                .notAuthorized, .topicFilterInvalid, .packetIdentifierInUse, .quotaExceeded,
                .sharedSubscriptionsNotSupported, .subscriptionIdentifiersNotSupported,
                .wildcardSubscriptionsNotSupported,
            ].contains(self)
        case .unsubAck:
            return [
                .success, .noSubscriptionExisted, .unspecifiedError, .implementationSpecificError,
                .notAuthorized, .topicFilterInvalid, .packetIdentifierInUse,
            ].contains(self)
        case .disconnect:
            return !Self.notInDisconnect.contains(self)
        case .auth:
            return self == .success || self == .continueAuthentication || self == .reAuthenticate
        case .connect, .publish, .subscribe, .unsubscribe, .pingReq, .pingResp:
            return false
        }
    }

    private static let connAckFailures: Set<Self> = [
        .unspecifiedError, .malformedPacket, .protocolError, .implementationSpecificError,
        .unsupportedProtocolVersion, .clientIdentifierNotValid, .badUserNameOrPassword, .notAuthorized,
        .serverUnavailable, .serverBusy, .banned, .badAuthenticationMethod, .topicNameInvalid, .packetTooLarge,
        .quotaExceeded, .payloadFormatInvalid, .retainNotSupported, .qosNotSupported, .useAnotherServer,
        .serverMoved, .connectionRateExceeded,
    ]

    private static let notInDisconnect: Set<Self> = [
        .grantedQoS1, .grantedQoS2, .noMatchingSubscribers, .noSubscriptionExisted, .continueAuthentication,
        .reAuthenticate, .unsupportedProtocolVersion, .clientIdentifierNotValid, .badUserNameOrPassword,
        .serverUnavailable, .banned, .badAuthenticationMethod, .packetIdentifierInUse, .packetIdentifierNotFound,
    ]
}
