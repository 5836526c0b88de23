import Foundation

/// The provisioning audit log.
package protocol AuditStore: Sendable {
    func appendAuditEntries(_ entries: [AuditEntry]) async throws
    /// Newest first. `tenantId == nil` reads every tenant's entries and those without a tenant (system admin).
    func auditEntries(tenantId: UUID?, filter: AuditFilter, _ page: PageLink) async throws -> Page<AuditEntry>
}

/// Which audit entries to read.
package struct AuditFilter: Sendable, Hashable {
    package var outcome: ProvisionOutcome?
    package var profileId: UUID?
    package var deviceId: UUID?

    package init(outcome: ProvisionOutcome? = nil, profileId: UUID? = nil, deviceId: UUID? = nil) {
        self.outcome = outcome
        self.profileId = profileId
        self.deviceId = deviceId
    }
}

/// Everything Muster stores, as one set of protocols a backend implements.
package typealias MusterStore = AuditStore & DeviceStore & DirectoryStore & ImportStore & KeyValueStore & ProfileStore
    & ProvisioningStore
