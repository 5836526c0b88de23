import Foundation

/// A device profile: the device type, and how devices of that type provision.
package struct DeviceProfile: Sendable, Hashable {
    package var id: UUID
    package var tenantId: UUID
    package var name: String
    package var description: String?
    package var isDefault: Bool
    /// `DEFAULT`, `MQTT`, `COAP`, `LWM2M` or `SNMP`.
    package var transportType: String
    /// The strategy the provisioning algorithm switches on (top-level `provisionType`).
    package var provisionType: ProvisionType
    /// The key a device presents; unique installation-wide.
    package var provisionDeviceKey: String?
    package var provisionConfiguration: ProvisionConfiguration
    /// The rest of `profileData` (configuration, transport configuration, alarms…), kept as sent.
    package var profileData: JSONValue
    package var createdTime: Int64
    package var version: Int64

    package init(
        id: UUID, tenantId: UUID, name: String, description: String? = nil, isDefault: Bool = false,
        transportType: String = "DEFAULT", provisionType: ProvisionType = .disabled,
        provisionDeviceKey: String? = nil, provisionConfiguration: ProvisionConfiguration = .disabled,
        profileData: JSONValue = DeviceProfile.defaultProfileData, createdTime: Int64, version: Int64 = 1
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.description = description
        self.isDefault = isDefault
        self.transportType = transportType
        self.provisionType = provisionType
        self.provisionDeviceKey = provisionDeviceKey
        self.provisionConfiguration = provisionConfiguration
        self.profileData = profileData
        self.createdTime = createdTime
        self.version = version
    }

    /// `profileData` without the provision configuration, as ThingsBoard creates it for a default profile.
    package static let defaultProfileData: JSONValue = .object([
        "configuration": .object(["type": .string("DEFAULT")]),
        "transportConfiguration": .object(["type": .string("DEFAULT")]),
    ])

    /// How long a device of this profile counts as active after it last sent something, in seconds:
    /// `profileData.inactivityTimeoutSeconds` (1 to 31,536,000), else ``defaultInactivityTimeoutSeconds``.
    package var inactivityTimeoutSeconds: Int64 {
        if case .number(let text)? = profileData["inactivityTimeoutSeconds"], let seconds = Int64(text),
            (1...31_536_000).contains(seconds)
        {
            return seconds
        }
        return Self.defaultInactivityTimeoutSeconds
    }

    /// ThingsBoard's default inactivity timeout: 10 minutes.
    package static let defaultInactivityTimeoutSeconds: Int64 = 600

    /// The transport types ThingsBoard knows.
    package static let transportTypes: Set<String> = ["DEFAULT", "MQTT", "COAP", "LWM2M", "SNMP"]
}

/// An asset profile: the type of an asset.
package struct AssetProfile: Sendable, Hashable {
    package var id: UUID
    package var tenantId: UUID
    package var name: String
    package var description: String?
    package var isDefault: Bool
    package var createdTime: Int64
    package var version: Int64

    package init(
        id: UUID, tenantId: UUID, name: String, description: String? = nil, isDefault: Bool = false,
        createdTime: Int64, version: Int64 = 1
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.description = description
        self.isDefault = isDefault
        self.createdTime = createdTime
        self.version = version
    }
}
