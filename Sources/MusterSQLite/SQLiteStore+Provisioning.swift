import Foundation
import GRDB
import MusterCore

extension SQLiteStore {
    /// The profile whose provision key is exactly `key`, in any tenant (one indexed, prepared lookup).
    package func deviceProfile(provisionKey key: String) async throws -> DeviceProfile? {
        try await fetchDeviceProfile(where: "provision_device_key = ?", [key])
    }

    package func certificateChainProfiles() async throws -> [DeviceProfile] {
        try await fetchDeviceProfiles(where: "provision_type = ? AND provision_device_key IS NOT NULL", [ProvisionType.x509CertificateChain.rawValue])
    }

    /// The device called `name` in `tenantId`, with its credentials and `provisionState`: one prepared statement,
    /// three index lookups.
    package func provisioningSnapshot(tenantId: UUID, deviceName name: String) async throws -> ProvisioningSnapshot? {
        try pointRead { db in
            let statement = try db.cachedStatement(sql: Self.snapshotSQL)
            guard let row = try Row.fetchOne(statement, arguments: [tenantId, name]) else { return nil }
            let credentialsOffset = DeviceRecord.columnCount
            let stateOffset = credentialsOffset + DeviceCredentialsRecord.columnCount
            return ProvisioningSnapshot(
                device: try DeviceRecord.decode(row),
                credentials: try DeviceCredentialsRecord.decodeIfPresent(row, at: credentialsOffset),
                provisionState: row.hasNull(atIndex: stateOffset)
                    ? nil : try TypedValueRecord.decode(row, at: stateOffset, table: "attributes")
            )
        }
    }

    /// Inserts the device, its credentials and its `provisionState = "provisioned"` server attribute, all or
    /// nothing. With ``Configuration/groupCommit``, concurrent calls share a transaction, each in its own
    /// savepoint.
    /// - Returns: `.created`, or `.nameTaken` / `.credentialsTaken` with nothing written.
    package func createProvisionedDevice(_ plan: ProvisionedDevicePlan) async throws -> ProvisionedDeviceCreation {
        if let provisionBatcher { return try await provisionBatcher.submit(plan) }
        do {
            return try await write(onViolation: Self.creation) { db in
                try Self.insert(plan, db)
                return .created
            }
        } catch is BudgetExhausted {
            return .budgetExhausted
        }
    }

    /// Thrown inside a plan's transaction or savepoint when its budget is spent, so that nothing of it stays.
    struct BudgetExhausted: Error {}

    /// Writes `provisionState = "provisioned"` for `deviceId` unless it has a `provisionState` already.
    /// - Returns: `.marked`, or `.alreadySet` with the stored value.
    /// - Throws: ``SQLiteStoreError/deviceNotFound`` when the device does not exist.
    package func markProvisioned(deviceId: UUID, at timestamp: Int64) async throws -> ProvisionMark {
        return try await waitedWrite { db in
            try db.cachedStatement(sql: Self.markSQL).execute(arguments: [timestamp, deviceId])
            if db.changesCount > 0 { return .marked }
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.stateSQL), arguments: [deviceId]) else {
                throw SQLiteStoreError.deviceNotFound
            }
            return .alreadySet(try TypedValueRecord.decode(row, at: 0, table: "attributes"))
        }
    }

    // MARK: - Shared with group commit

    /// Runs the three inserts of `plan`; the caller's transaction or savepoint makes them all-or-nothing.
    static func insert(_ plan: ProvisionedDevicePlan, _ db: Database) throws {
        try db.cachedStatement(sql: DeviceRecord.insertSQL).execute(
            arguments: DeviceRecord.insertArguments(plan.device))
        try db.cachedStatement(sql: DeviceCredentialsRecord.insertSQL)
            .execute(arguments: DeviceCredentialsRecord.insertArguments(plan.credentials, deviceId: plan.device.id))
        let (tag, value) = TypedValueRecord.encode(.string(WellKnownAttribute.provisioned))
        try db.cachedStatement(sql: insertStateSQL).execute(arguments: [plan.device.id, tag, value, plan.provisionedAt])
        if let budget = plan.budget {
            // Last, so that a taken name or credentials id is reported before a spent budget.
            guard budget > 0 else { throw BudgetExhausted() }
            try db.cachedStatement(sql: countCreationSQL).execute(arguments: [plan.device.deviceProfileId, budget])
            guard db.changesCount > 0 else { throw BudgetExhausted() }
        }
    }

    /// Counts one device created through a profile's key, unless its budget (the second argument) is reached.
    private static let countCreationSQL = """
        INSERT INTO provision_key_usage (profile_id, devices_created) VALUES (?1, 1)
        ON CONFLICT (profile_id) DO UPDATE SET devices_created = devices_created + 1 WHERE devices_created < ?2
        """

    /// The result of a provisioning refused by `constraint`, or `nil` to rethrow.
    static func creation(_ constraint: SQLiteConstraint) -> ProvisionedDeviceCreation? {
        switch constraint {
        case .deviceName: return .nameTaken
        case .credentialsId: return .credentialsTaken
        default: return nil
        }
    }

    // MARK: - SQL

    /// Inlined as SQL literals: both are constants without quotes, and a literal key lets the planner see the
    /// full primary key of `attributes`.
    private static let provisionStateKey = WellKnownAttribute.provisionState
    private static let provisioned = WellKnownAttribute.provisioned

    private static let snapshotSQL = """
        SELECT \(DeviceRecord.columns("d.")), \(DeviceCredentialsRecord.columns("c.")), a.value_type, a.value
        FROM devices AS d
        LEFT JOIN device_credentials AS c ON c.device_id = d.id
        LEFT JOIN attributes AS a ON a.entity_id = d.id AND a.scope = \(serverScope) AND a.key = '\(provisionStateKey)'
        WHERE d.tenant_id = ? AND d.name = ?
        """

    private static let insertStateSQL = """
        INSERT INTO attributes (entity_id, scope, key, value_type, value, last_update_ts)
        VALUES (?, \(serverScope), '\(provisionStateKey)', ?, ?, ?)
        """

    /// Inserts the state only for an existing device, and never over an existing state.
    private static let markSQL = """
        INSERT INTO attributes (entity_id, scope, key, value_type, value, last_update_ts)
        SELECT id, \(serverScope), '\(provisionStateKey)', 'STRING', '\(provisioned)', ?
        FROM devices WHERE id = ?
        ON CONFLICT (entity_id, scope, key) DO NOTHING
        """

    private static let stateSQL = """
        SELECT value_type, value FROM attributes WHERE entity_id = ? AND scope = \(serverScope) AND key = '\(provisionStateKey)'
        """
}
