import Foundation
import GRDB
import Logging
import MusterCore
import MusterTestSupport

@testable import MusterSQLite

/// Runs `body` with a store over a fresh SQLite file in its own temporary directory, closed and removed after.
func withStore(
    _ configuration: SQLiteStore.Configuration = .init(), _ body: (SQLiteStore) async throws -> Void
) async throws {
    try await withTemporaryDirectory(prefix: "muster-sqlite") { directory in
        let store = try SQLiteStore.open(
            directory: directory.path, configuration: configuration, logger: Logger(label: "test"))
        do {
            try await body(store)
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
    }
}

/// Entities for store tests, with time-ordered ids and a fixed clock.
enum Make {
    static let now: Int64 = 1_764_400_000_000

    static func id(_ offset: Int64 = 0) -> UUID { EntityIdentifier.make(at: now + offset) }

    static func tenant(_ title: String = "Tenant") -> Tenant {
        Tenant(id: id(), title: title, createdTime: now)
    }

    static func deviceProfile(
        tenantId: UUID, name: String = "profile-" + SecureRandom.alphanumeric(6), key: String? = nil,
        isDefault: Bool = false, createdTime: Int64 = now
    ) -> DeviceProfile {
        DeviceProfile(
            id: id(), tenantId: tenantId, name: name, description: "about \(name)", isDefault: isDefault,
            transportType: "MQTT", provisionType: key == nil ? .disabled : .allowCreateNewDevices,
            provisionDeviceKey: key,
            provisionConfiguration: key == nil
                ? .disabled
                : ProvisionConfiguration(type: .allowCreateNewDevices, provisionDeviceSecret: "secret-\(name)"),
            createdTime: createdTime
        )
    }

    static func assetProfile(tenantId: UUID, name: String = "asset-profile-" + SecureRandom.alphanumeric(6))
        -> AssetProfile
    {
        AssetProfile(id: id(), tenantId: tenantId, name: name, createdTime: now)
    }

    static func device(
        _ name: String, profile: DeviceProfile, label: String? = nil, createdTime: Int64 = now
    ) -> Device {
        Device(
            id: EntityIdentifier.make(at: createdTime), tenantId: profile.tenantId, name: name, type: profile.name,
            deviceProfileId: profile.id, label: label, additionalInfo: .object(["gateway": .bool(false)]),
            createdTime: createdTime
        )
    }

    static func asset(_ name: String, profile: AssetProfile, createdTime: Int64 = now) -> Asset {
        Asset(
            id: EntityIdentifier.make(at: createdTime), tenantId: profile.tenantId, name: name, type: profile.name,
            assetProfileId: profile.id, label: "label \(name)", additionalInfo: .object(["floor": .number("3")]),
            createdTime: createdTime
        )
    }

    static func credentials(for device: Device, token: String = SecureRandom.alphanumeric(20)) -> DeviceCredentials {
        DeviceCredentials(
            id: id(), deviceId: device.id, createdTime: device.createdTime, type: .accessToken, credentialsId: token,
            credentialsValue: nil
        )
    }

    static func plan(_ name: String, profile: DeviceProfile, token: String = SecureRandom.alphanumeric(20))
        -> ProvisionedDevicePlan
    {
        let device = device(name, profile: profile)
        return ProvisionedDevicePlan(
            device: device, credentials: credentials(for: device, token: token), provisionedAt: now)
    }
}

extension SQLiteStore {
    /// Inserts a tenant with one device profile; the profile is returned.
    func seedProfile(key: String? = nil, tenant: Tenant = Make.tenant()) async throws -> DeviceProfile {
        if try await self.tenant(id: tenant.id) == nil { try await insertTenant(tenant) }
        let profile = Make.deviceProfile(tenantId: tenant.id, key: key)
        guard try await saveDeviceProfile(profile) == .saved else { throw FixtureError.notSaved }
        return profile
    }

    /// Inserts `device` with access-token credentials.
    @discardableResult
    func seedDevice(_ device: Device, token: String = SecureRandom.alphanumeric(20)) async throws -> DeviceCredentials {
        let credentials = Make.credentials(for: device, token: token)
        guard try await insertDevice(device, credentials: credentials) == .saved else { throw FixtureError.notSaved }
        return credentials
    }

    /// How many rows `table` holds.
    func count(_ table: String) async throws -> Int {
        try await dbPool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

enum FixtureError: Error {
    case notSaved
}
