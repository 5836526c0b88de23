import Foundation
import MusterCore
import PostgresNIO

/// Rows of `device_profiles` and `asset_profiles` as ``DeviceProfile`` and ``AssetProfile``.
///
/// `provision_configuration` holds ThingsBoard's `profileData.provisionConfiguration` object as JSON text with
/// ThingsBoard's field names (the key itself is the indexed `provision_device_key` column); `profile_data` holds
/// the rest of `profileData`: the same texts as SQLite stores.
enum ProfileRows {
    static let deviceColumns = """
        id, tenant_id, name, description, is_default, transport_type, provision_type, provision_device_key,
        provision_configuration, profile_data, created_time, version
        """

    static let assetColumns = "id, tenant_id, name, description, is_default, created_time, version"

    static func decodeDevice(_ row: PostgresRow) throws -> DeviceProfile {
        let (id, tenantId, name, description, isDefault, transportType, provisionType, key, configuration, data,
            createdTime, version) = try row.decode(
                (UUID, UUID, String, String?, Bool, String, String, String?, String, String, Int64, Int64).self)
        guard let provisionType = ProvisionType(rawValue: provisionType) else {
            throw PostgresStoreError.invalidStoredValue(table: "device_profiles", column: "provision_type")
        }
        guard let profileData = try? JSONParser.parse(data) else {
            throw PostgresStoreError.invalidStoredValue(table: "device_profiles", column: "profile_data")
        }
        return DeviceProfile(
            id: id, tenantId: tenantId, name: name, description: description, isDefault: isDefault,
            transportType: transportType, provisionType: provisionType, provisionDeviceKey: key,
            provisionConfiguration: try provisionConfiguration(configuration), profileData: profileData,
            createdTime: createdTime, version: version)
    }

    static func decodeAsset(_ row: PostgresRow) throws -> AssetProfile {
        let (id, tenantId, name, description, isDefault, createdTime, version) =
            try row.decode((UUID, UUID, String, String?, Bool, Int64, Int64).self)
        return AssetProfile(
            id: id, tenantId: tenantId, name: name, description: description, isDefault: isDefault,
            createdTime: createdTime, version: version)
    }

    /// The stored JSON of a provision configuration (``ProvisionConfiguration/storedJSON``).
    static func configurationText(_ configuration: ProvisionConfiguration) -> String {
        configuration.storedJSON.serialized
    }

    /// The provision configuration stored as `text`.
    static func provisionConfiguration(_ text: String) throws -> ProvisionConfiguration {
        guard let json = try? JSONParser.parse(text), let configuration = ProvisionConfiguration(stored: json) else {
            throw PostgresStoreError.invalidStoredValue(table: "device_profiles", column: "provision_configuration")
        }
        return configuration
    }
}
