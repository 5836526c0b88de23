import Foundation
import MusterCore

/// The JSON of a device (`Device`, and `DeviceInfo` with the extra fields set).
struct DeviceDTO: Codable {
    var id: EntityIdDTO?
    var createdTime: Int64?
    var tenantId: EntityIdDTO?
    var customerId: EntityIdDTO?
    var name: String
    var type: String?
    var label: String?
    var deviceProfileId: EntityIdDTO?
    var deviceData: JSONValue?
    var firmwareId: EntityIdDTO?
    var softwareId: EntityIdDTO?
    var additionalInfo: JSONValue?
    var version: Int64?
    // DeviceInfo
    var customerTitle: String?
    var customerIsPublic: Bool?
    var deviceProfileName: String?
    var active: Bool?
    // Muster's additions to DeviceInfo
    var provisionState: String?
    var credentialsType: CredentialsType?
    /// Muster: when the device last sent telemetry or a client attribute (epoch milliseconds).
    var lastActivityTime: Int64?

    init(_ device: Device) {
        id = EntityIdDTO(.device, device.id)
        createdTime = device.createdTime
        tenantId = EntityIdDTO(.tenant, device.tenantId)
        customerId = nullCustomerId
        name = device.name
        type = device.type
        label = device.label
        deviceProfileId = EntityIdDTO(.deviceProfile, device.deviceProfileId)
        deviceData = .object([
            "configuration": .object(["type": .string("DEFAULT")]),
            "transportConfiguration": .object(["type": .string("DEFAULT")]),
        ])
        additionalInfo = device.additionalInfo
        version = device.version
    }

    /// `DeviceInfo` of a listed device; `active`: it sent something within its profile's inactivity timeout.
    init(info listing: DeviceListing, active: Bool = false) {
        self.init(listing.device)
        customerIsPublic = false
        deviceProfileName = listing.device.type
        lastActivityTime = listing.lastActivityTime
        self.active = active
        provisionState = listing.provisionState
        credentialsType = listing.credentialsType
    }

    func draft() throws -> EntityDraft {
        if let deviceData, let configuration = deviceData["configuration"], !configuration.isNull,
            configuration["type"]?.stringValue == nil
        {
            throw RequestError.invalidParameter(name: "deviceData.configuration.type", reason: "is required")
        }
        return EntityDraft(
            id: try id?.uuid(field: "id"), name: name, type: type, profileId: try deviceProfileId?.uuid(field: "deviceProfileId"),
            label: label, additionalInfo: additionalInfo.flatMap { $0.isNull ? nil : $0 }, version: version
        )
    }
}

/// The JSON of an asset (`Asset`, `AssetInfo`).
struct AssetDTO: Codable {
    var id: EntityIdDTO?
    var createdTime: Int64?
    var tenantId: EntityIdDTO?
    var customerId: EntityIdDTO?
    var name: String
    var type: String?
    var label: String?
    var assetProfileId: EntityIdDTO?
    var additionalInfo: JSONValue?
    var version: Int64?
    var customerTitle: String?
    var customerIsPublic: Bool?
    var assetProfileName: String?

    init(_ asset: Asset, info: Bool = false) {
        id = EntityIdDTO(.asset, asset.id)
        createdTime = asset.createdTime
        tenantId = EntityIdDTO(.tenant, asset.tenantId)
        customerId = nullCustomerId
        name = asset.name
        type = asset.type
        label = asset.label
        assetProfileId = EntityIdDTO(.assetProfile, asset.assetProfileId)
        additionalInfo = asset.additionalInfo
        version = asset.version
        if info {
            customerIsPublic = false
            assetProfileName = asset.type
        }
    }

    func draft() throws -> EntityDraft {
        EntityDraft(
            id: try id?.uuid(field: "id"), name: name, type: type, profileId: try assetProfileId?.uuid(field: "assetProfileId"),
            label: label, additionalInfo: additionalInfo.flatMap { $0.isNull ? nil : $0 }, version: version
        )
    }
}

/// The JSON of an asset profile (`AssetProfile`, `AssetProfileInfo`).
struct AssetProfileDTO: Codable {
    var id: EntityIdDTO?
    var createdTime: Int64?
    var tenantId: EntityIdDTO?
    var name: String
    var description: String?
    var image: String?
    var defaultRuleChainId: EntityIdDTO?
    var defaultDashboardId: EntityIdDTO?
    var defaultQueueName: String?
    var defaultEdgeRuleChainId: EntityIdDTO?
    var version: Int64?
    var `default`: Bool?

    init(_ profile: AssetProfile) {
        id = EntityIdDTO(.assetProfile, profile.id)
        createdTime = profile.createdTime
        tenantId = EntityIdDTO(.tenant, profile.tenantId)
        name = profile.name
        description = profile.description
        version = profile.version
        self.default = profile.isDefault
    }
}

/// `AssetProfileInfo`.
struct AssetProfileInfoDTO: Encodable {
    var id: EntityIdDTO
    var tenantId: EntityIdDTO
    var name: String

    init(_ profile: AssetProfile) {
        id = EntityIdDTO(.assetProfile, profile.id)
        tenantId = EntityIdDTO(.tenant, profile.tenantId)
        name = profile.name
    }
}
