import Foundation

/// The provisioning audit log, written in batches by ``AuditRecorder`` off the request path.
package protocol AuditStore: Sendable {
    /// Appends `entries` in one transaction. An entry whose id is already stored is skipped, so a batch retried
    /// after an error that left it unclear whether it committed is stored once.
    func appendAuditEntries(_ entries: [AuditEntry]) async throws
    /// A page of entries, newest first (then by id, descending), with the exact total, read on one snapshot; the
    /// page's sort property is ignored. `textSearch` is a prefix of the device name, compared case-insensitively
    /// for ASCII letters (beyond ASCII, case folding is the database's).
    /// - Parameter tenantId: The tenant whose entries are read; `nil` reads every tenant's entries and those
    ///   without a tenant (system admin).
    func auditEntries(tenantId: UUID?, filter: AuditFilter, _ page: PageLink) async throws -> Page<AuditEntry>
}

/// Which audit entries to read: each field that is set must match.
package struct AuditFilter: Sendable, Hashable {
    package var outcome: ProvisionOutcome?
    package var profileId: UUID?
    package var deviceId: UUID?
    /// Entries at or after this time (epoch milliseconds).
    package var startTime: Int64?
    /// Entries at or before this time (epoch milliseconds).
    package var endTime: Int64?
    package var action: AuditAction?
    /// The admin who acted (or the account typed at a login), compared exactly.
    package var actor: String?
    /// Only entries that belong to no tenant: attempts naming no known key, malformed requests, logins to unknown
    /// accounts, the system administrator's actions. Only meaningful when every tenant is read.
    package var withoutTenant: Bool

    package init(
        outcome: ProvisionOutcome? = nil, profileId: UUID? = nil, deviceId: UUID? = nil, startTime: Int64? = nil,
        endTime: Int64? = nil, action: AuditAction? = nil, actor: String? = nil, withoutTenant: Bool = false
    ) {
        self.action = action
        self.actor = actor
        self.withoutTenant = withoutTenant
        self.outcome = outcome
        self.profileId = profileId
        self.deviceId = deviceId
        self.startTime = startTime
        self.endTime = endTime
    }
}
