import GRDB
import MusterCore

/// The store contract's named constraints (``StoreConstraint``), recognised from the error SQLite reports when a
/// statement violates one.
///
/// SQLite names a failed UNIQUE constraint by its columns (`UNIQUE constraint failed: devices.tenant_id,
/// devices.name`), and a failed foreign key not at all.
typealias SQLiteConstraint = StoreConstraint

extension StoreConstraint {
    /// The constraint `error` reports, or `nil` when it is not a violation of a known constraint.
    init?(_ error: DatabaseError) {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            self = .foreignKey
        case .SQLITE_CONSTRAINT_TRIGGER where error.message == Self.foreignKeyMessage:
            // `ON DELETE RESTRICT` is carried out as a trigger raising this message.
            self = .foreignKey
        case .SQLITE_CONSTRAINT_UNIQUE:
            guard let message = error.message, message.hasPrefix(Self.uniquePrefix),
                let constraint = Self.byColumns[String(message.dropFirst(Self.uniquePrefix.count))]
            else { return nil }
            self = constraint
        default:
            return nil
        }
    }

    /// The constraint `error` reports, when `error` is a ``DatabaseError`` for a known constraint.
    init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        self.init(error)
    }

    private static let foreignKeyMessage = "FOREIGN KEY constraint failed"
    private static let uniquePrefix = "UNIQUE constraint failed: "

    /// Each UNIQUE constraint by the column list SQLite puts in its message.
    private static let byColumns: [String: StoreConstraint] = [
        "users.email": .userEmail,
        "device_profiles.tenant_id, device_profiles.name": .deviceProfileName,
        "device_profiles.provision_device_key": .provisionKey,
        "device_profiles.tenant_id": .defaultDeviceProfile,
        "asset_profiles.tenant_id, asset_profiles.name": .assetProfileName,
        "asset_profiles.tenant_id": .defaultAssetProfile,
        "devices.tenant_id, devices.name": .deviceName,
        "assets.tenant_id, assets.name": .assetName,
        "device_credentials.device_id": .credentialsDevice,
        "device_credentials.credentials_id": .credentialsId,
    ]
}
