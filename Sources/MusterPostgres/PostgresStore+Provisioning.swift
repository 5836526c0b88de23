import Foundation
import Logging
import MusterCore
import PostgresNIO

extension PostgresStore: ProvisioningStore {
    /// The profile whose provision key is exactly `key`, in any tenant (the unique key's index).
    package func deviceProfile(provisionKey key: String) async throws -> DeviceProfile? {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.deviceColumns) FROM device_profiles WHERE provision_device_key = \(key)
            """, ProfileRows.decodeDevice
        ).first
    }

    /// Every `X509_CERTIFICATE_CHAIN` profile that holds a CA certificate, in any tenant.
    package func certificateChainProfiles() async throws -> [DeviceProfile] {
        try await rows(
            """
            SELECT \(unescaped: ProfileRows.deviceColumns) FROM device_profiles
            WHERE provision_type = \(ProvisionType.x509CertificateChain.rawValue) AND provision_device_key IS NOT NULL
            """, ProfileRows.decodeDevice)
    }

    /// The device called `name` in `tenantId`, with its credentials and `provisionState`, in one statement.
    package func provisioningSnapshot(tenantId: UUID, deviceName name: String) async throws -> ProvisioningSnapshot? {
        try await rows(
            """
            SELECT \(unescaped: EntityRows.deviceColumns("d.")), \(unescaped: EntityRows.credentialsColumns("c.")),
                a.value_type, a.bool_v, a.str_v, a.long_v, a.dbl_v, a.json_v
            FROM devices AS d
            LEFT JOIN device_credentials AS c ON c.device_id = d.id
            LEFT JOIN attributes AS a ON a.entity_id = d.id AND a.scope = \(TypedValueColumns.code(.server))
                AND a.key = \(WellKnownAttribute.provisionState)
            WHERE d.tenant_id = \(tenantId) AND d.name = \(name)
            """
        ) { row in
            let cells = try row.decode(
                (UUID, UUID, String, String, UUID, String?, String?, Int64, Int64,
                    UUID?, UUID?, Int64?, String?, String?, String?, Int64?,
                    String?, Bool?, String?, Int64?, Double?, String?).self)
            let device = try EntityRows.device(
                (cells.0, cells.1, cells.2, cells.3, cells.4, cells.5, cells.6, cells.7, cells.8))
            var credentials: DeviceCredentials?
            if let id = cells.9, let deviceId = cells.10, let createdTime = cells.11, let type = cells.12,
                let credentialsId = cells.13, let version = cells.15
            {
                credentials = try EntityRows.credentials((id, deviceId, createdTime, type, credentialsId, cells.14, version))
            }
            let state = try cells.16.map {
                try TypedValueColumns.decode(($0, cells.17, cells.18, cells.19, cells.20, cells.21), table: "attributes")
            }
            return ProvisioningSnapshot(device: device, credentials: credentials, provisionState: state)
        }.first
    }

    /// Inserts the device, its credentials and its `provisionState = "provisioned"` server attribute, all or
    /// nothing, answered after the commit. With group commit (``PostgresStore/open(_:timeout:groupCommitLimit:logger:)``),
    /// concurrent calls are written together (see ``PostgresProvisionBatcher``); otherwise one transaction each.
    /// - Returns: `.created`, or `.nameTaken` / `.credentialsTaken` with nothing written.
    package func createProvisionedDevice(_ plan: ProvisionedDevicePlan) async throws -> ProvisionedDeviceCreation {
        // A budgeted plan is written in its own transaction: its count row serializes the key's creations.
        if let provisionBatcher, plan.budget == nil { return try await provisionBatcher.submit(plan) }
        do {
            return try await transaction(onViolation: Self.creation) { [self] connection in
                try await Self.insert(plan, on: connection, logger: logger)
                return .created
            }
        } catch is BudgetExhausted {
            return .budgetExhausted
        }
    }

    /// Thrown inside a plan's transaction when its budget is spent, so that nothing of it stays.
    struct BudgetExhausted: Error {}

    /// Runs the inserts of `plan` on `connection`; the caller's transaction or savepoint makes them all-or-nothing.
    static func insert(_ plan: ProvisionedDevicePlan, on connection: PostgresConnection, logger: Logger) async throws {
        let device = plan.device
        try await insert(device, credentials: plan.credentials, on: connection, logger: logger)
        try await connection.query(
            """
            INSERT INTO attributes (entity_id, scope, key, value_type, str_v, last_update_ts)
            VALUES (\(device.id), \(TypedValueColumns.code(.server)), \(WellKnownAttribute.provisionState),
                'STRING', \(WellKnownAttribute.provisioned), \(plan.provisionedAt))
            """, logger: logger)
        if let budget = plan.budget {
            // Last, so that a taken name or credentials id is reported before a spent budget.
            guard budget > 0 else { throw BudgetExhausted() }
            let counted = try await connection.query(
                """
                INSERT INTO provision_key_usage (profile_id, devices_created) VALUES (\(device.deviceProfileId), 1)
                ON CONFLICT (profile_id) DO UPDATE SET devices_created = provision_key_usage.devices_created + 1
                WHERE provision_key_usage.devices_created < \(budget)
                RETURNING 1
                """, logger: logger)
            var counts = 0
            for try await _ in counted { counts += 1 }
            guard counts > 0 else { throw BudgetExhausted() }
        }
    }

    /// The result of a provisioning refused by `constraint`, or `nil` to rethrow.
    static func creation(_ constraint: PostgresConstraint) -> ProvisionedDeviceCreation? {
        switch constraint {
        case .deviceName: .nameTaken
        case .credentialsId: .credentialsTaken
        default: nil
        }
    }

    /// Writes `provisionState = "provisioned"` for `deviceId` unless it has a `provisionState` already.
    /// - Returns: `.marked`, or `.alreadySet` with the stored value.
    /// - Throws: ``PostgresStoreError/deviceNotFound`` when the device does not exist.
    package func markProvisioned(deviceId: UUID, at timestamp: Int64) async throws -> ProvisionMark {
        let scope = TypedValueColumns.code(.server)
        let key = WellKnownAttribute.provisionState
        return try await transaction { [self] connection in
            let marked = try await rowCount(
                """
                INSERT INTO attributes (entity_id, scope, key, value_type, str_v, last_update_ts)
                SELECT id, \(scope), \(key), 'STRING', \(WellKnownAttribute.provisioned), \(timestamp)
                FROM devices WHERE id = \(deviceId)
                ON CONFLICT (entity_id, scope, key) DO NOTHING
                RETURNING 1
                """, on: connection)
            if marked > 0 { return .marked }
            let stored = try await rows(
                """
                SELECT value_type, bool_v, str_v, long_v, dbl_v, json_v FROM attributes
                WHERE entity_id = \(deviceId) AND scope = \(scope) AND key = \(key)
                """, on: connection
            ) { row in
                try TypedValueColumns.decode(
                    row.decode((String, Bool?, String?, Int64?, Double?, String?).self), table: "attributes")
            }
            guard let value = stored.first else { throw PostgresStoreError.deviceNotFound }
            return .alreadySet(value)
        }
    }
}
