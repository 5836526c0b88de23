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

    /// Access-token credentials: non-empty, no control characters, no white space and no `/`. A token travels in
    /// the path of the HTTP and CoAP device APIs (`/api/v1/{token}/…`, percent-decoded there) and as the MQTT
    /// user name, so every other character works on every transport; white space and `/` could never be used in
    /// a URL path segment as typed, and are refused on every path that sets credentials (REST, import,
    /// provisioning).
    package static func accessToken(_ token: String) throws(CredentialsError) -> CredentialsMaterial {
        guard !token.isEmpty else { throw .credentialsIdNotSpecified }
        guard !containsControlCharacters(token) else { throw .controlCharacters(field: "credentialsId") }
        guard !token.unicodeScalars.contains(where: { $0 == "/" || $0.properties.isWhitespace }) else {
            throw .accessTokenCharacters
        }
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

    /// ``x509(_:)`` for a certificate a device sends when provisioning, which must also be a certificate: the
    /// base64 text (with or without PEM markers) of one DER `SEQUENCE` that spans all of it. Anything else could
    /// never authenticate (its id is the hash of text no TLS handshake presents), so it is refused.
    package static func x509Certificate(_ pem: String) throws(CredentialsError) -> CredentialsMaterial {
        let material = try x509(pem)
        guard let base64 = material.credentialsValue, let der = Data(base64Encoded: base64), isDERSequence(Array(der)) else {
            throw .certificateNotDecodable
        }
        return material
    }

    /// Whether `der` is exactly one DER `SEQUENCE` (tag 0x30, definite length covering the rest).
    private static func isDERSequence(_ der: [UInt8]) -> Bool {
        guard der.count >= 2, der[0] == 0x30 else { return false }
        var length = 0
        var header = 2
        if der[1] < 0x80 {
            length = Int(der[1])
        } else {
            let count = Int(der[1] & 0x7F)
            guard (1...4).contains(count), der.count >= 2 + count else { return false }
            for byte in der[2..<(2 + count)] { length = length << 8 | Int(byte) }
            header += count
        }
        return length > 0 && header + length == der.count
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
