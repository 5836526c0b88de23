import Foundation
import MusterCore

/// The JSON of a device profile (`DeviceProfile` in ThingsBoard), both ways.
struct DeviceProfileDTO: Codable {
    var id: EntityIdDTO?
    var createdTime: Int64?
    var tenantId: EntityIdDTO?
    var name: String
    var description: String?
    var image: String?
    var type: String?
    var transportType: String?
    var provisionType: ProvisionType?
    var provisionDeviceKey: String?
    var profileData: JSONValue?
    var defaultRuleChainId: EntityIdDTO?
    var defaultDashboardId: EntityIdDTO?
    var defaultQueueName: String?
    var firmwareId: EntityIdDTO?
    var softwareId: EntityIdDTO?
    var defaultEdgeRuleChainId: EntityIdDTO?
    var version: Int64?
    var `default`: Bool?

    /// - Parameter devicesCreated: The devices its key created under its budget (shown as
    ///   `provisionConfiguration.devicesCreated`), when it has one.
    init(_ profile: DeviceProfile, devicesCreated: Int? = nil) {
        id = EntityIdDTO(.deviceProfile, profile.id)
        createdTime = profile.createdTime
        tenantId = EntityIdDTO(.tenant, profile.tenantId)
        name = profile.name
        description = profile.description
        type = "DEFAULT"
        transportType = profile.transportType
        provisionType = profile.provisionType
        provisionDeviceKey = profile.provisionDeviceKey
        var data = profile.profileData.objectValue ?? [:]
        var configuration = ProvisionConfigurationWire.json(profile.provisionConfiguration)
        if let devicesCreated, case .object(var members) = configuration {
            members["devicesCreated"] = .number(String(devicesCreated))
            configuration = .object(members)
        }
        data["provisionConfiguration"] = configuration
        if data["configuration"] == nil { data["configuration"] = .object(["type": .string("DEFAULT")]) }
        if data["transportConfiguration"] == nil {
            data["transportConfiguration"] = .object(["type": .string(profile.transportType)])
        }
        profileData = .object(data)
        version = profile.version
        self.default = profile.isDefault
    }

    /// The admin's draft, after checking the polymorphic parts.
    func draft() throws -> DeviceProfileDraft {
        if let type, type != "DEFAULT" {
            throw RequestError.invalidParameter(name: "type", reason: "must be DEFAULT")
        }
        var data = profileData?.objectValue ?? [:]
        if let profileData, profileData.objectValue == nil, !profileData.isNull {
            throw RequestError.invalidParameter(name: "profileData", reason: "must be an object")
        }
        var configuration: ProvisionConfiguration?
        if let raw = data.removeValue(forKey: "provisionConfiguration"), !raw.isNull {
            configuration = try ProvisionConfigurationWire.parse(raw)
        }
        for part in ["configuration", "transportConfiguration"] {
            if let value = data[part], !value.isNull, value["type"]?.stringValue == nil {
                throw RequestError.invalidParameter(name: "profileData.\(part).type", reason: "is required")
            }
        }
        // Muster's inactivity timeout of the profile's devices (the device list's active state).
        if let timeout = data["inactivityTimeoutSeconds"], !timeout.isNull {
            guard case .number(let text) = timeout, let seconds = Int64(text), (1...31_536_000).contains(seconds) else {
                throw RequestError.invalidParameter(
                    name: "profileData.inactivityTimeoutSeconds", reason: "must be a whole number of seconds from 1 to 31536000")
            }
        }
        var provisionType = self.provisionType
        if provisionType == nil, let configuration { provisionType = configuration.type }
        return DeviceProfileDraft(
            id: try id?.uuid(field: "id"), name: name, description: description, transportType: transportType ?? "DEFAULT",
            provisionType: provisionType, provisionDeviceKey: provisionDeviceKey, provisionConfiguration: configuration,
            profileData: data.isEmpty ? nil : .object(data), isDefault: self.default, version: version
        )
    }
}

/// `profileData.provisionConfiguration` ⇄ ``ProvisionConfiguration``.
enum ProvisionConfigurationWire {
    static func json(_ configuration: ProvisionConfiguration) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": .string(configuration.type.rawValue),
            "provisionDeviceSecret": configuration.provisionDeviceSecret.map(JSONValue.string) ?? .null,
            "reprovision": .string(configuration.reprovision.rawValue),
        ]
        if configuration.type == .x509CertificateChain {
            members["certificateRegExPattern"] = configuration.certificateRegExPattern.map(JSONValue.string) ?? .null
            members["allowCreateNewDevicesByX509Certificate"] =
                configuration.allowCreateNewDevicesByX509Certificate.map(JSONValue.bool) ?? .null
        }
        // Muster's rotation and expiry (decided by the server; a client's previousProvisionDeviceSecret is ignored).
        if let previous = configuration.previousProvisionDeviceSecret {
            members["previousProvisionDeviceSecret"] = .string(previous)
        }
        if let until = configuration.previousSecretValidUntil { members["previousSecretValidUntil"] = .number(String(until)) }
        if let until = configuration.validUntil { members["validUntil"] = .number(String(until)) }
        if let budget = configuration.maxDevices { members["maxDevices"] = .number(String(budget)) }
        return .object(members)
    }

    static func parse(_ json: JSONValue) throws -> ProvisionConfiguration {
        let field = "profileData.provisionConfiguration"
        guard json.objectValue != nil else { throw RequestError.invalidParameter(name: field, reason: "must be an object") }
        guard let typeName = json["type"]?.stringValue else {
            throw RequestError.invalidParameter(name: "\(field).type", reason: "is required")
        }
        guard let type = ProvisionType(rawValue: typeName) else {
            throw RequestError.invalidParameter(
                name: "\(field).type",
                reason: "'\(typeName)' is not one of \(ProvisionType.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        func optionalString(_ key: String) throws -> String? {
            switch json[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw RequestError.invalidParameter(name: "\(field).\(key)", reason: "must be a string")
            }
        }
        var reprovision = ReprovisionPolicy.returnExisting
        if let policy = try optionalString("reprovision") {
            guard let parsed = ReprovisionPolicy(rawValue: policy) else {
                throw RequestError.invalidParameter(name: "\(field).reprovision", reason: "must be RETURN_EXISTING or REJECT")
            }
            reprovision = parsed
        }
        var allowCreate: Bool?
        switch json["allowCreateNewDevicesByX509Certificate"] {
        case nil, .null?: allowCreate = nil
        case .bool(let flag)?: allowCreate = flag
        default:
            throw RequestError.invalidParameter(name: "\(field).allowCreateNewDevicesByX509Certificate", reason: "must be a boolean")
        }
        func optionalInteger(_ key: String, upTo limit: Int64, _ meaning: String) throws -> Int64? {
            switch json[key] {
            case nil, .null?: return nil
            case .number(let text)?:
                guard let value = Int64(text), (0...limit).contains(value) else { fallthrough }
                return value
            default:
                throw RequestError.invalidParameter(name: "\(field).\(key)", reason: "must be \(meaning)")
            }
        }
        let milliseconds = "a time in epoch milliseconds (a whole number, 0 or more)"
        return ProvisionConfiguration(
            type: type, provisionDeviceSecret: try optionalString("provisionDeviceSecret"),
            certificateRegExPattern: try optionalString("certificateRegExPattern"),
            allowCreateNewDevicesByX509Certificate: allowCreate, reprovision: reprovision,
            previousSecretValidUntil: try optionalInteger("previousSecretValidUntil", upTo: .max, milliseconds),
            validUntil: try optionalInteger("validUntil", upTo: .max, milliseconds),
            maxDevices: try optionalInteger("maxDevices", upTo: 1_000_000_000, "a whole number from 0 to 1,000,000,000")
                .map { Int($0) }
        )
    }
}

/// `DeviceProfileInfo`.
struct DeviceProfileInfoDTO: Encodable {
    var id: EntityIdDTO
    var tenantId: EntityIdDTO
    var name: String
    var image: String?
    var defaultDashboardId: EntityIdDTO?
    var type: String
    var transportType: String

    init(_ profile: DeviceProfile) {
        id = EntityIdDTO(.deviceProfile, profile.id)
        tenantId = EntityIdDTO(.tenant, profile.tenantId)
        name = profile.name
        type = "DEFAULT"
        transportType = profile.transportType
    }
}
