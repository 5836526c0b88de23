import Foundation

/// The credential kinds of ThingsBoard (`DeviceCredentialsType`).
package enum CredentialsType: String, Sendable, Codable, CaseIterable {
    case accessToken = "ACCESS_TOKEN"
    case x509Certificate = "X509_CERTIFICATE"
    case mqttBasic = "MQTT_BASIC"
    case lwm2mCredentials = "LWM2M_CREDENTIALS"
}

/// The stored credentials of one device. `credentialsId` is unique installation-wide.
package struct DeviceCredentials: Sendable, Hashable {
    package var id: UUID
    package var deviceId: UUID
    package var createdTime: Int64
    package var type: CredentialsType
    /// The access token, the computed MQTT-basic id, or the certificate's SHA3-256 hex.
    package var credentialsId: String
    /// The MQTT-basic JSON text or the trimmed certificate; `nil` for access tokens.
    package var credentialsValue: String?
    package var version: Int64

    package init(
        id: UUID, deviceId: UUID, createdTime: Int64, type: CredentialsType, credentialsId: String,
        credentialsValue: String?, version: Int64 = 1
    ) {
        self.id = id
        self.deviceId = deviceId
        self.createdTime = createdTime
        self.type = type
        self.credentialsId = credentialsId
        self.credentialsValue = credentialsValue
        self.version = version
    }

    /// The credentials in their checked, normalised form.
    package var material: CredentialsMaterial {
        CredentialsMaterial(type: type, credentialsId: credentialsId, credentialsValue: credentialsValue)
    }
}

/// Checked credentials before they are attached to a device: the type, the id to look them up by and the value.
package struct CredentialsMaterial: Sendable, Hashable {
    package var type: CredentialsType
    package var credentialsId: String
    package var credentialsValue: String?

    package init(type: CredentialsType, credentialsId: String, credentialsValue: String?) {
        self.type = type
        self.credentialsId = credentialsId
        self.credentialsValue = credentialsValue
    }

    /// The MQTT-basic fields, when this is MQTT-basic.
    package var mqttBasic: MQTTBasicCredentials? {
        guard type == .mqttBasic, let credentialsValue else { return nil }
        return try? MQTTBasicCredentials(json: credentialsValue)
    }
}

/// MQTT-basic credentials: client id, user name, password; any may be absent.
package struct MQTTBasicCredentials: Sendable, Hashable {
    package var clientId: String?
    package var userName: String?
    package var password: String?

    package init(clientId: String?, userName: String?, password: String?) {
        self.clientId = clientId
        self.userName = userName
        self.password = password
    }

    /// Parses the stored JSON value; only `clientId`, `userName` and `password` (strings or null) are allowed.
    /// - Throws: ``CredentialsError/invalidMQTTBasicBody`` otherwise.
    package init(json text: String) throws(CredentialsError) {
        guard case .object(let members)? = try? JSONParser.parse(text) else { throw .invalidMQTTBasicBody }
        func field(_ name: String) throws(CredentialsError) -> String? {
            switch members[name] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw .invalidMQTTBasicBody
            }
        }
        guard Set(members.keys).isSubset(of: ["clientId", "userName", "password"]) else {
            throw .invalidMQTTBasicBody
        }
        self.init(clientId: try field("clientId"), userName: try field("userName"), password: try field("password"))
    }

    /// The JSON ThingsBoard stores and returns: `{"clientId":…,"userName":…,"password":…}` with nulls kept.
    package var json: String {
        func literal(_ value: String?) -> String { value.map(JSONValue.quoted) ?? "null" }
        return "{\"clientId\":\(literal(clientId)),\"userName\":\(literal(userName)),\"password\":\(literal(password))}"
    }
}
