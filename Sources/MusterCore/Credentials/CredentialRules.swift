import Foundation

/// ThingsBoard's credentials validation, formatting and id rules (`DeviceCredentialsServiceImpl.formatCredentials`
/// and `DeviceCredentialsDataValidator`), in one place for REST, provisioning and bulk import.
package enum CredentialRules {
    /// Checks and normalises credentials as sent by a client.
    /// - Parameters:
    ///   - type: The credentials type; `nil` is refused.
    ///   - credentialsId: The client's id; used as the token for access tokens, ignored (computed) otherwise.
    ///   - credentialsValue: The MQTT-basic JSON or the certificate PEM.
    /// - Returns: The credentials with their computed id and canonical value.
    /// - Throws: ``CredentialsError`` with the reason.
    package static func normalize(
        type: CredentialsType?, credentialsId: String?, credentialsValue: String?
    ) throws(CredentialsError) -> CredentialsMaterial {
        guard let type else { throw .typeNotSpecified }
        switch type {
        case .accessToken:
            return try accessToken(credentialsId ?? "")
        case .mqttBasic:
            guard let credentialsValue else { throw .invalidMQTTBasicBody }
            return try mqttBasic(try MQTTBasicCredentials(json: credentialsValue))
        case .x509Certificate:
            return try x509(credentialsValue ?? "")
        case .lwm2mCredentials:
            throw .unsupportedType(.lwm2mCredentials)
        }
    }

    /// Access-token credentials: non-empty, no control characters.
    package static func accessToken(_ token: String) throws(CredentialsError) -> CredentialsMaterial {
        guard !token.isEmpty else { throw .credentialsIdNotSpecified }
        guard !containsControlCharacters(token) else { throw .controlCharacters(field: "credentialsId") }
        return CredentialsMaterial(type: .accessToken, credentialsId: token, credentialsValue: nil)
    }

    /// MQTT-basic credentials. The id is `userName` alone, `sha3(clientId)`, or `sha3(clientId|userName)`.
    package static func mqttBasic(_ fields: MQTTBasicCredentials) throws(CredentialsError) -> CredentialsMaterial {
        let clientId = fields.clientId ?? ""
        let userName = fields.userName ?? ""
        let password = fields.password ?? ""
        guard !(clientId.isEmpty && userName.isEmpty) else { throw .clientIdAndUserNameEmpty }
        guard !(userName.isEmpty && !password.isEmpty) else { throw .passwordWithClientIdOnly }
        for (name, value) in [("clientId", clientId), ("userName", userName), ("password", password)]
        where containsControlCharacters(value) {
            throw .controlCharacters(field: name)
        }
        let id: String
        if clientId.isEmpty {
            id = userName
        } else if userName.isEmpty {
            id = SHA3Hash.hex(clientId)
        } else {
            id = SHA3Hash.hex(joining: [clientId, userName], delimiter: "|")
        }
        return CredentialsMaterial(type: .mqttBasic, credentialsId: id, credentialsValue: fields.json)
    }

    /// X.509 credentials: the PEM without its markers and line breaks; the id is its SHA3-256 hex.
    package static func x509(_ pem: String) throws(CredentialsError) -> CredentialsMaterial {
        let trimmed = trimCertificate(pem)
        guard !trimmed.isEmpty else { throw .certificateNotSpecified }
        return CredentialsMaterial(type: .x509Certificate, credentialsId: SHA3Hash.hex(trimmed), credentialsValue: trimmed)
    }

    /// ThingsBoard's `certTrimNewLines`: removes the BEGIN/END CERTIFICATE markers and every CR and LF
    /// (spaces are kept).
    package static func trimCertificate(_ pem: String) -> String {
        var text = pem
        for marker in ["-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"] {
            text = text.replacingOccurrences(of: marker, with: "")
        }
        return String(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }.map(Character.init))
    }

    /// New random access-token credentials (20 characters `[A-Za-z0-9]`).
    package static func randomAccessToken() -> CredentialsMaterial {
        CredentialsMaterial(type: .accessToken, credentialsId: SecureRandom.alphanumeric(20), credentialsValue: nil)
    }

    private static func containsControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
