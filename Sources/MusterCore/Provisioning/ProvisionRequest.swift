/// A device's provisioning request, identical for HTTP, MQTT and CoAP (spec §2.1).
/// Absent optional strings are empty, as in ThingsBoard.
package struct ProvisionRequest: Sendable, Hashable {
    package var provisionDeviceKey: String
    package var provisionDeviceSecret: String
    package var deviceName: String
    /// The requested credentials type; `nil` when absent (then ACCESS_TOKEN).
    package var credentialsType: CredentialsType?
    package var token: String
    package var clientId: String
    package var username: String
    package var password: String
    /// For X.509: the certificate PEM or base64 text itself.
    package var hash: String
    package var gateway: Bool

    package init(
        provisionDeviceKey: String, provisionDeviceSecret: String, deviceName: String = "",
        credentialsType: CredentialsType? = nil, token: String = "", clientId: String = "", username: String = "",
        password: String = "", hash: String = "", gateway: Bool = false
    ) {
        self.provisionDeviceKey = provisionDeviceKey
        self.provisionDeviceSecret = provisionDeviceSecret
        self.deviceName = deviceName
        self.credentialsType = credentialsType
        self.token = token
        self.clientId = clientId
        self.username = username
        self.password = password
        self.hash = hash
        self.gateway = gateway
    }

    /// Whether the request names credentials of its own (any of token, hash, username, password, clientId).
    package var carriesCredentials: Bool {
        !(token.isEmpty && hash.isEmpty && username.isEmpty && password.isEmpty && clientId.isEmpty)
    }
}

/// Why a provisioning payload could not be read as a request at all (a transport-level error, not a status).
package enum ProvisionRequestError: Error, Equatable, Sendable {
    case invalidJSON(JSONParser.Failure)
    case notAnObject
    case missingField(String)
    case wrongType(field: String)
    case unknownCredentialsType(String)
    /// Neither JSON nor a valid protobuf `ProvisionDeviceRequestMsg`.
    case invalidProtobuf
}

extension ProvisionRequest {
    /// Reads the JSON request of spec §2.1. `null` counts as absent (tb-mqtt-client sends nulls for
    /// MQTT-basic fields it was not given); numbers are taken as their text; `gateway` may be a boolean or
    /// the string `"true"`.
    /// - Throws: ``ProvisionRequestError`` for malformed JSON, a missing key or secret, a wrong type or an
    ///   unknown credentials type.
    package init(json body: some Collection<UInt8>) throws(ProvisionRequestError) {
        let document: JSONValue
        do { document = try JSONParser.parse(body) } catch { throw .invalidJSON(error) }
        guard case .object(let members) = document else { throw .notAnObject }

        func text(_ field: String) throws(ProvisionRequestError) -> String? {
            switch members[field] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case .number(let literal)?: return literal
            case .bool(let flag)?: return flag ? "true" : "false"
            default: throw .wrongType(field: field)
            }
        }
        guard let key = try text("provisionDeviceKey") else { throw .missingField("provisionDeviceKey") }
        guard let secret = try text("provisionDeviceSecret") else { throw .missingField("provisionDeviceSecret") }
        var credentialsType: CredentialsType?
        if let typeName = try text("credentialsType") {
            guard let type = CredentialsType(rawValue: typeName) else { throw .unknownCredentialsType(typeName) }
            credentialsType = type
        }
        let gateway: Bool
        switch members["gateway"] {
        case nil, .null?: gateway = false
        case .bool(let flag)?: gateway = flag
        case .string(let value)?: gateway = value.lowercased() == "true"
        default: throw .wrongType(field: "gateway")
        }
        self.init(
            provisionDeviceKey: key, provisionDeviceSecret: secret, deviceName: try text("deviceName") ?? "",
            credentialsType: credentialsType, token: try text("token") ?? "", clientId: try text("clientId") ?? "",
            username: try text("username") ?? "", password: try text("password") ?? "", hash: try text("hash") ?? "",
            gateway: gateway
        )
    }
}
