import MusterCore
import MusterMQTTCodec

extension MQTTReasonCode {
    /// The CONNACK code for a refused device, as ThingsBoard's `ReturnCodeResolver` picks it: from which of user
    /// name, password and client id the client sent, not from why it failed. MQTT 3.1.1 never gets 0x04 here: a
    /// bad user name or password is answered 0x05 (not authorized), as ThingsBoard does.
    /// - Parameters:
    ///   - failure: Why the core refused.
    ///   - credentials: What the client sent.
    ///   - viaCertificate: Whether the client authenticated with a TLS certificate.
    ///   - version: The connection's protocol version.
    init(_ failure: DeviceAuthenticationFailure, credentials: MQTTConnectCredentials, viaCertificate: Bool, version: MQTTProtocolVersion) {
        switch failure {
        case .storageFailure, .transportNotAllowed, .provisioningRefused(.failure(.storageFailure)):
            self = .serverUnavailable
        case .provisioningRefused(.rateLimited):
            self = version.hasProperties ? .connectionRateExceeded : .notAuthorized
        case .certificateNotValid, .provisioningRefused:
            self = .notAuthorized
        case .unknownCredentials, .passwordMismatch, .credentialsMismatch:
            let hasUsername = credentials.username != nil
            let hasPassword = credentials.password != nil
            if viaCertificate {
                self = .notAuthorized
            } else if (hasUsername && hasPassword) || hasUsername != hasPassword {
                self = version.hasProperties ? .badUserNameOrPassword : .notAuthorized
            } else if !credentials.clientId.allSatisfy(\.isWhitespace) {
                self = .clientIdentifierNotValid
            } else {
                self = .notAuthorized
            }
        }
    }
}
