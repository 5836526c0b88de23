import Foundation

/// What an export reads (`GET /api/imports/export`, `muster export`): a tenant's devices or assets, a page at a
/// time in name order, with what the import can write back — label, `additionalInfo`, server and shared
/// attributes, latest telemetry, and (when asked) credentials.
package protocol ExportStore: Sendable {
    /// Every attribute key (server and shared scopes) and latest-telemetry key of the selected entities, each with
    /// the value types it holds, in key order within each kind.
    func exportKeys(_ selection: ExportSelection) async throws -> [ExportKey]

    /// Up to `limit` selected entities whose names sort after `afterName` (`nil`: from the first), in name order
    /// (byte order), each with its values; devices with their credentials when `withCredentials` is set.
    func exportPage(
        _ selection: ExportSelection, afterName: String?, limit: Int, withCredentials: Bool
    ) async throws -> [ExportedEntity]
}

/// The entities an export reads.
package struct ExportSelection: Sendable, Hashable {
    package var tenantId: UUID
    package var entityType: ImportEntityType
    /// Only the entities of this device or asset profile; `nil`: all of the tenant's.
    package var profileId: UUID?

    package init(tenantId: UUID, entityType: ImportEntityType, profileId: UUID? = nil) {
        self.tenantId = tenantId
        self.entityType = entityType
        self.profileId = profileId
    }
}

/// Where a value of an export comes from: one column each.
package enum ExportValueKind: Int, Sendable, Hashable, Comparable, CaseIterable {
    case serverAttribute, sharedAttribute, telemetry

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One key of the selected entities and the value types stored under it (by all of them together).
package struct ExportKey: Sendable, Hashable {
    package var kind: ExportValueKind
    package var key: String
    package var valueTypes: Set<ImportValueType>

    package init(kind: ExportValueKind, key: String, valueTypes: Set<ImportValueType>) {
        self.kind = kind
        self.key = key
        self.valueTypes = valueTypes
    }
}

/// One value of an exported entity.
package struct ExportedValue: Sendable, Hashable {
    package var kind: ExportValueKind
    package var key: String
    package var value: AttributeValue

    package init(kind: ExportValueKind, key: String, value: AttributeValue) {
        self.kind = kind
        self.key = key
        self.value = value
    }
}

/// One exported device or asset.
package struct ExportedEntity: Sendable, Hashable {
    package var name: String
    /// The profile's name (the import's TYPE column).
    package var type: String
    package var label: String?
    package var additionalInfo: JSONValue?
    package var values: [ExportedValue]
    /// A device's credentials, when asked for.
    package var credentials: CredentialsMaterial?

    package init(
        name: String, type: String, label: String?, additionalInfo: JSONValue?, values: [ExportedValue],
        credentials: CredentialsMaterial? = nil
    ) {
        self.name = name
        self.type = type
        self.label = label
        self.additionalInfo = additionalInfo
        self.values = values
        self.credentials = credentials
    }
}
