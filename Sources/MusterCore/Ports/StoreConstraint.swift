/// The named constraints of the store contract. Every store holds each of them in its own database, under these
/// names (the SQLite and PostgreSQL schemas use them as constraint or index names), and recognises a violation of
/// one from its driver's error, so that both stores map the same violation to the same core result of their ports
/// (a taken name, a taken credentials id, a second default profile, …).
package enum StoreConstraint: String, Sendable, CaseIterable {
    /// One user per e-mail address, case-insensitively, installation-wide.
    case userEmail = "user_email_unq_key"
    /// One device profile per name in a tenant.
    case deviceProfileName = "device_profile_name_unq_key"
    /// One device profile per provision key, installation-wide.
    case provisionKey = "device_provision_key_unq_key"
    /// At most one default device profile per tenant.
    case defaultDeviceProfile = "device_profile_default_unq_key"
    /// One asset profile per name in a tenant.
    case assetProfileName = "asset_profile_name_unq_key"
    /// At most one default asset profile per tenant.
    case defaultAssetProfile = "asset_profile_default_unq_key"
    /// One device per name in a tenant.
    case deviceName = "device_name_unq_key"
    /// One asset per name in a tenant.
    case assetName = "asset_name_unq_key"
    /// One set of credentials per device.
    case credentialsDevice = "device_credentials_device_id_unq_key"
    /// One device per credentials id (token, MQTT-basic id, certificate hash), installation-wide.
    case credentialsId = "device_credentials_id_unq_key"
    /// Any foreign key (a profile still in use, an entity of another tenant's profile): SQLite does not say which
    /// one failed, so no caller needs to know.
    case foreignKey = "fk"
}
