import Foundation
import Logging
import MusterCore

/// The core services over a real store (a fresh SQLite file by default, or any store handed in), with a mock
/// clock: what the core's rule tests run against (no mocked store). It sees the store through the core's ports
/// only.
package struct CoreFixture: Sendable {
    package let directory: TemporaryDirectory
    /// The store, seen through the core's protocols.
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

    /// The core services over `store`, whatever it is.
    /// - Parameters:
    ///   - directory: A temporary directory the fixture owns (for files a test writes).
    ///   - failureLimit: The rate limiter's failures per source (0 = off).
    package static func make(
        store: any MusterStore, directory: TemporaryDirectory, failureLimit: Int = 0
    ) async throws -> CoreFixture {
        let logger = Logger(label: "test")
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
