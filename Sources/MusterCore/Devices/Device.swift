import Foundation

/// A device.
package struct Device: Sendable, Hashable {
    package var id: UUID
    package var tenantId: UUID
    package var name: String
    /// The name of its device profile.
    package var type: String
    package var deviceProfileId: UUID
    package var label: String?
    /// `additionalInfo` (`gateway`, `description`, …), kept as sent.
    package var additionalInfo: JSONValue?
    package var createdTime: Int64
    package var version: Int64

    package init(
        id: UUID, tenantId: UUID, name: String, type: String, deviceProfileId: UUID, label: String? = nil,
        additionalInfo: JSONValue? = nil, createdTime: Int64, version: Int64 = 1
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.type = type
        self.deviceProfileId = deviceProfileId
        self.label = label
        self.additionalInfo = additionalInfo
        self.createdTime = createdTime
        self.version = version
    }

    /// Whether `additionalInfo.gateway` is true.
    package var isGateway: Bool {
        if case .bool(true)? = additionalInfo?["gateway"] { return true }
        return false
    }
}

/// An asset.
package struct Asset: Sendable, Hashable {
    package var id: UUID
    package var tenantId: UUID
    package var name: String
    /// The name of its asset profile.
    package var type: String
    package var assetProfileId: UUID
    package var label: String?
    package var additionalInfo: JSONValue?
    package var createdTime: Int64
    package var version: Int64

    package init(
        id: UUID, tenantId: UUID, name: String, type: String, assetProfileId: UUID, label: String? = nil,
        additionalInfo: JSONValue? = nil, createdTime: Int64, version: Int64 = 1
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.type = type
        self.assetProfileId = assetProfileId
        self.label = label
        self.additionalInfo = additionalInfo
        self.createdTime = createdTime
        self.version = version
    }
}
