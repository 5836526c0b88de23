import Foundation
import MusterCore
import PostgresNIO

/// Rows of `devices`, `assets` and `device_credentials` as the core's entities. `additional_info` is JSON text,
/// as on SQLite.
enum EntityRows {
    /// The columns of ``decodeDevice(_:)`` (and of ``decodeAsset(_:)`` with `asset_profile_id`), qualified with
    /// `alias` (e.g. `"d."`).
    static func deviceColumns(_ alias: String = "") -> String {
        ["id", "tenant_id", "name", "type", "device_profile_id", "label", "additional_info", "created_time", "version"]
            .map { alias + $0 }.joined(separator: ", ")
    }

    static func assetColumns(_ alias: String = "") -> String {
        ["id", "tenant_id", "name", "type", "asset_profile_id", "label", "additional_info", "created_time", "version"]
            .map { alias + $0 }.joined(separator: ", ")
    }

    static func credentialsColumns(_ alias: String = "") -> String {
        ["id", "device_id", "created_time", "credentials_type", "credentials_id", "credentials_value", "version"]
            .map { alias + $0 }.joined(separator: ", ")
    }

    /// The cells of ``deviceColumns(_:)`` and ``assetColumns(_:)``.
    typealias EntityCells = (UUID, UUID, String, String, UUID, String?, String?, Int64, Int64)
    /// The cells of ``credentialsColumns(_:)``.
    typealias CredentialsCells = (UUID, UUID, Int64, String, String, String?, Int64)

    static func decodeDevice(_ row: PostgresRow) throws -> Device {
        try device(row.decode(EntityCells.self))
    }

    static func decodeAsset(_ row: PostgresRow) throws -> Asset {
        try asset(row.decode(EntityCells.self))
    }

    static func decodeCredentials(_ row: PostgresRow) throws -> DeviceCredentials {
        try credentials(row.decode(CredentialsCells.self))
    }

    static func device(_ cells: EntityCells) throws -> Device {
        let (id, tenantId, name, type, profileId, label, info, createdTime, version) = cells
        return Device(
            id: id, tenantId: tenantId, name: name, type: type, deviceProfileId: profileId, label: label,
            additionalInfo: try json(info, table: "devices"), createdTime: createdTime, version: version)
    }

    static func asset(_ cells: EntityCells) throws -> Asset {
        let (id, tenantId, name, type, profileId, label, info, createdTime, version) = cells
        return Asset(
            id: id, tenantId: tenantId, name: name, type: type, assetProfileId: profileId, label: label,
            additionalInfo: try json(info, table: "assets"), createdTime: createdTime, version: version)
    }

    static func credentials(_ cells: CredentialsCells) throws -> DeviceCredentials {
        let (id, deviceId, createdTime, type, credentialsId, value, version) = cells
        return DeviceCredentials(
            id: id, deviceId: deviceId, createdTime: createdTime, type: try credentialsType(type),
            credentialsId: credentialsId, credentialsValue: value, version: version)
    }

    static func credentialsType(_ text: String) throws -> CredentialsType {
        guard let type = CredentialsType(rawValue: text) else {
            throw PostgresStoreError.invalidStoredValue(table: "device_credentials", column: "credentials_type")
        }
        return type
    }

    static func json(_ text: String?, table: String) throws -> JSONValue? {
        guard let text else { return nil }
        guard let value = try? JSONParser.parse(text) else {
            throw PostgresStoreError.invalidStoredValue(table: table, column: "additional_info")
        }
        return value
    }
}
