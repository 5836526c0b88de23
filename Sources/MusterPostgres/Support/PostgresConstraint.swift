import PostgresNIO

/// A named constraint of the schema, recognised from the error PostgreSQL reports when a statement violates it.
///
/// PostgreSQL names the violated constraint (or unique index) in the error's `constraint_name` field; the raw
/// values are the names the migrations give, the same as SQLite's ``SQLiteConstraint`` raw values, so that each
/// maps to the same core result on both stores.
enum PostgresConstraint: String, Sendable, CaseIterable {
    case userEmail = "user_email_unq_key"
    case deviceProfileName = "device_profile_name_unq_key"
    case provisionKey = "device_provision_key_unq_key"
    case defaultDeviceProfile = "device_profile_default_unq_key"
    case assetProfileName = "asset_profile_name_unq_key"
    case defaultAssetProfile = "asset_profile_default_unq_key"
    case deviceName = "device_name_unq_key"
    case assetName = "asset_name_unq_key"
    case credentialsDevice = "device_credentials_device_id_unq_key"
    case credentialsId = "device_credentials_id_unq_key"
    /// Any foreign key (SQLite does not say which one failed, so the stores' callers never need to know).
    case foreignKey = "fk"

    /// SQLSTATE `unique_violation`.
    static let uniqueViolation = "23505"
    /// SQLSTATE `foreign_key_violation`.
    static let foreignKeyViolation = "23503"

    /// The constraint `error` reports, or `nil` when it is not a violation of a known constraint.
    init?(_ error: PSQLError) {
        guard let info = error.serverInfo else { return nil }
        switch info[.sqlState] {
        case Self.foreignKeyViolation:
            self = .foreignKey
        case Self.uniqueViolation:
            guard let name = info[.constraintName], let constraint = Self(rawValue: name), constraint != .foreignKey
            else { return nil }
            self = constraint
        default:
            return nil
        }
    }

    /// The constraint `error` reports, looking inside a failed transaction.
    init?(_ error: any Error) {
        guard let error = PostgresStore.serverError(error) else { return nil }
        self.init(error)
    }
}
