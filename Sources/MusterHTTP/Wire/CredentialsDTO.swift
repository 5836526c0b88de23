import Foundation
import MusterCore

/// The JSON of device credentials (`DeviceCredentials`).
struct CredentialsDTO: Codable {
    var id: BareIdDTO?
    var createdTime: Int64?
    var deviceId: EntityIdDTO?
    var credentialsType: String?
    var credentialsId: String?
    var credentialsValue: String?
    var version: Int64?

    init(_ credentials: DeviceCredentials) {
        id = BareIdDTO(id: credentials.id.lowercasedString)
        createdTime = credentials.createdTime
        deviceId = EntityIdDTO(.device, credentials.deviceId)
        credentialsType = credentials.type.rawValue
        credentialsId = credentials.credentialsId
        credentialsValue = credentials.credentialsValue
        version = credentials.version
    }

    func draft() throws -> CredentialsDraft {
        var type: CredentialsType?
        if let credentialsType {
            guard let parsed = CredentialsType(rawValue: credentialsType) else {
                throw RequestError.invalidParameter(
                    name: "credentialsType",
                    reason: "'\(credentialsType)' is not one of ACCESS_TOKEN, X509_CERTIFICATE, MQTT_BASIC, LWM2M_CREDENTIALS"
                )
            }
            type = parsed
        }
        return CredentialsDraft(type: type, credentialsId: credentialsId, credentialsValue: credentialsValue)
    }
}

/// `POST /api/device-with-credentials` body.
struct DeviceWithCredentialsDTO: Decodable {
    var device: DeviceDTO?
    var credentials: CredentialsDTO?
}
