/// The MQTT 3.1 / 3.1.1 CONNACK return code (3.1.1 §3.2.2.3).
package enum MQTTConnectReturnCode: UInt8, Hashable, Sendable, CaseIterable {
    case accepted = 0x00
    case unacceptableProtocolVersion = 0x01
    case identifierRejected = 0x02
    case serverUnavailable = 0x03
    case badUserNameOrPassword = 0x04
    case notAuthorized = 0x05
}

extension MQTTConnectReturnCode {
    /// The 3.1.1 return code that says what an MQTT 5 CONNACK reason code says.
    ///
    /// 3.1.1 has six codes, so several reason codes share one: authorisation refusals become
    /// ``notAuthorized``, and every other failure becomes ``serverUnavailable``. (ThingsBoard answers bad
    /// credentials on 3.1.1 with 0x05, not 0x04: the session chooses ``MQTTReasonCode/notAuthorized`` for that.)
    /// - Parameter reasonCode: The MQTT 5 CONNACK reason code.
    package init(_ reasonCode: MQTTReasonCode) {
        switch reasonCode {
        case .success:
            self = .accepted
        case .unsupportedProtocolVersion:
            self = .unacceptableProtocolVersion
        case .clientIdentifierNotValid:
            self = .identifierRejected
        case .badUserNameOrPassword:
            self = .badUserNameOrPassword
        case .notAuthorized, .banned, .badAuthenticationMethod:
            self = .notAuthorized
        default:
            self = .serverUnavailable
        }
    }
}

extension MQTTReasonCode {
    /// The MQTT 5 reason code that says what a 3.1.1 CONNACK return code says; the inverse of
    /// ``MQTTConnectReturnCode/init(_:)`` on the six 3.1.1 codes.
    /// - Parameter returnCode: The 3.1.1 CONNACK return code.
    package init(_ returnCode: MQTTConnectReturnCode) {
        switch returnCode {
        case .accepted: self = .success
        case .unacceptableProtocolVersion: self = .unsupportedProtocolVersion
        case .identifierRejected: self = .clientIdentifierNotValid
        case .serverUnavailable: self = .serverUnavailable
        case .badUserNameOrPassword: self = .badUserNameOrPassword
        case .notAuthorized: self = .notAuthorized
        }
    }
}
