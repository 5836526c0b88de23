/// The named constraints of the store contract. Every store holds each of them in its own database, under these
/// names (the SQLite and PostgreSQL schemas use them as constraint or index names), and recognises a violation of
/// one from its driver's error, so that both stores map the same violation to the same core result of their ports
/// (a taken name, a taken credentials id, a second default profile, …).
package enum StoreConstraint: String, Sendable, CaseIterable {
    /// One user per e-mail address, case-insensitively, installation-wide: ``DirectoryStore/insertUser(_:)`` is
    /// `false`.
    case userEmail = "user_email_unq_key"
    /// One device profile per name in a tenant: ``ProfileWrite/nameTaken``.
    case deviceProfileName = "device_profile_name_unq_key"
    /// One device profile per provision key, installation-wide: ``ProfileWrite/provisionKeyTaken``.
    case provisionKey = "device_provision_key_unq_key"
    /// At most one default device profile per tenant. Never a result: the calls that set a default clear the
    /// previous one first, under the database's lock (see ``ProfileStore``), so a violation is a bug.
    case defaultDeviceProfile = "device_profile_default_unq_key"
    /// One asset profile per name in a tenant: ``ProfileWrite/nameTaken``.
    case assetProfileName = "asset_profile_name_unq_key"
    /// At most one default asset profile per tenant; never a result, as ``defaultDeviceProfile``.
    case defaultAssetProfile = "asset_profile_default_unq_key"
    /// One device per name in a tenant: ``EntityWrite/nameTaken``, ``ProvisionedDeviceCreation/nameTaken``; an
    /// import's insert skips the name (`ON CONFLICT DO NOTHING`) and treats the entity as existing.
    case deviceName = "device_name_unq_key"
    /// One asset per name in a tenant: ``EntityWrite/nameTaken``; an import treats the asset as existing.
    case assetName = "asset_name_unq_key"
    /// One set of credentials per device. Never a result: every write replaces a device's credentials in place.
    case credentialsDevice = "device_credentials_device_id_unq_key"
    /// One device per credentials id (token, MQTT-basic id, certificate hash), installation-wide:
    /// ``EntityWrite/credentialsTaken``, ``CredentialsWrite/credentialsTaken``,
    /// ``ProvisionedDeviceCreation/credentialsTaken``, ``ImportRowOutcome/credentialsTaken``.
    case credentialsId = "device_credentials_id_unq_key"
    /// Any foreign key (a profile still in use, an entity of another tenant's profile): SQLite does not say which
    /// one failed, so no caller needs to know. ``EntityWrite/notFound`` for a device or asset write,
    /// ``ProfileDeletion/inUse`` for a profile's deletion.
    case foreignKey = "fk"
}
