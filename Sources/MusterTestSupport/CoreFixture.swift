import Foundation
import Logging
import MusterCore
import MusterSQLite

/// The core services over a real SQLite file in a fresh temporary directory, with a mock clock: what the
/// core's rule tests and the store tests run against (no mocked store).
package struct CoreFixture: Sendable {
    package let directory: TemporaryDirectory
    /// A real SQLite store, seen through the core's protocols.
    package let store: any MusterStore
    package let clock: MockClock
    package let audit: AuditRecorder
    package let limiter: ProvisionRateLimiter
    package let provisioning: ProvisionService
    package let profiles: ProfileService
    package let devices: DeviceService
    /// Where ``devices`` publishes revocations (credentials changed, device deleted); closures are audited.
    package let sessions: DeviceSessionHub
    package let tenants: TenantService
    package let tenant: Tenant

    /// - Parameter failureLimit: The rate limiter's failures per source (0 = off).
    package static func make(failureLimit: Int = 0) async throws -> CoreFixture {
        let directory = try TemporaryDirectory()
        let logger = Logger(label: "test")
        let store = try SQLiteStore.open(directory: directory.path, logger: logger)
        let clock = MockClock()
        let audit = AuditRecorder(store: store, logger: logger)
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: failureLimit))
        let profiles = ProfileService(store: store, clock: clock)
        let tenants = TenantService(directory: store, profiles: store, clock: clock)
        let tenant = try await tenants.createTenant(title: "Tenant A")
        let sessions = DeviceSessionHub(audit: audit, clock: clock)
        return CoreFixture(
            directory: directory, store: store, clock: clock, audit: audit, limiter: limiter,
            provisioning: ProvisionService(store: store, clock: clock, limiter: limiter, audit: audit, sessions: sessions),
            profiles: profiles, devices: DeviceService(store: store, profiles: profiles, clock: clock, sessions: sessions),
            sessions: sessions, tenants: tenants, tenant: tenant
        )
    }

    /// Creates a device profile with a provisioning strategy.
    package func makeProfile(
        _ type: ProvisionType, key: String = "key-" + SecureRandom.alphanumeric(8), secret: String = "secret-123",
        reprovision: ReprovisionPolicy = .returnExisting, name: String? = nil, tenantId: UUID? = nil
    ) async throws -> DeviceProfile {
        try await profiles.saveDeviceProfile(
            DeviceProfileDraft(
                name: name ?? "profile-" + SecureRandom.alphanumeric(6), provisionType: type, provisionDeviceKey: key,
                provisionConfiguration: ProvisionConfiguration(type: type, provisionDeviceSecret: secret, reprovision: reprovision)
            ),
            tenantId: tenantId ?? tenant.id
        )
    }

    /// A provisioning context from a fixed test address.
    package static let context = ProvisionContext(transport: .http, sourceAddress: "192.0.2.1")
}
