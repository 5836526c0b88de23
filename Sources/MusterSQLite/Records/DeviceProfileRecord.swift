import Foundation
import GRDB
import MusterCore

/// Maps rows of `device_profiles` to and from ``DeviceProfile``.
///
/// `provision_configuration` holds ThingsBoard's `profileData.provisionConfiguration` object as JSON text
/// (the key itself is the indexed `provision_device_key` column); `profile_data` holds the rest of `profileData`.
enum DeviceProfileRecord {
    static let table = "device_profiles"

    private static let names = [
        "id", "tenant_id", "name", "description", "is_default", "transport_type", "provision_type",
        "provision_device_key", "provision_configuration", "profile_data", "created_time", "version",
    ]

    /// The columns ``decode(_:)`` reads, in order.
    static let columns = names.joined(separator: ", ")

    /// Inserts a profile, or updates the row with the same id when it belongs to the same tenant (the update
    /// leaves `created_time` alone and bumps `version`). An id of another tenant's row changes nothing.
    static let upsertSQL = """
        INSERT INTO device_profiles (\(columns), search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            name = excluded.name, search_text = excluded.search_text, description = excluded.description,
            is_default = excluded.is_default, transport_type = excluded.transport_type,
            provision_type = excluded.provision_type, provision_device_key = excluded.provision_device_key,
            provision_configuration = excluded.provision_configuration, profile_data = excluded.profile_data,
            version = device_profiles.version + 1
        WHERE device_profiles.tenant_id = excluded.tenant_id
        """

    static func upsertArguments(_ profile: DeviceProfile) -> StatementArguments {
        [
            profile.id, profile.tenantId, profile.name, profile.description, profile.isDefault,
            profile.transportType, profile.provisionType.rawValue, profile.provisionDeviceKey,
            configurationJSON(profile.provisionConfiguration).serialized, profile.profileData.serialized,
            profile.createdTime, profile.version, SearchText.fold(profile.name),
        ]
    }

    static func decode(_ row: Row) throws -> DeviceProfile {
        let configurationText: String = try row.decode(atIndex: 8)
        let profileDataText: String = try row.decode(atIndex: 9)
        guard
            let configuration = try StoredValue.json(configurationText, table: table, column: names[8]),
            let profileData = try StoredValue.json(profileDataText, table: table, column: names[9])
        else { throw SQLiteStoreError.invalidStoredValue(table: table, column: names[8]) }
        return DeviceProfile(
            id: try row.decode(atIndex: 0),
            tenantId: try row.decode(atIndex: 1),
            name: try row.decode(atIndex: 2),
            description: try row.decode(atIndex: 3),
            isDefault: try row.decode(atIndex: 4),
            transportType: try row.decode(atIndex: 5),
            provisionType: try StoredValue.enumCase(
                ProvisionType.self, row.decode(atIndex: 6), table: table, column: names[6]),
            provisionDeviceKey: try row.decode(atIndex: 7),
            provisionConfiguration: try provisionConfiguration(configuration),
            profileData: profileData,
            createdTime: try row.decode(atIndex: 10),
            version: try row.decode(atIndex: 11)
        )
    }

    /// The stored JSON of a provision configuration (``ProvisionConfiguration/storedJSON``).
    static func configurationJSON(_ configuration: ProvisionConfiguration) -> JSONValue {
        configuration.storedJSON
    }

    /// The provision configuration stored as `json`.
    static func provisionConfiguration(_ json: JSONValue) throws -> ProvisionConfiguration {
        guard let configuration = ProvisionConfiguration(stored: json) else {
            throw SQLiteStoreError.invalidStoredValue(table: table, column: "provision_configuration")
        }
        return configuration
    }
}
