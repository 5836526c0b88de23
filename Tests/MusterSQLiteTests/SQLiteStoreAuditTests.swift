import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStoreAuditTests {
    static func entry(_ index: Int, tenantId: UUID?, outcome: ProvisionOutcome = .success, deviceName: String? = nil)
        -> AuditEntry
    {
        AuditEntry(
            id: Make.id(Int64(index)), tenantId: tenantId, time: Make.now + Int64(index), transport: .mqtt,
            sourceAddress: "192.0.2.\(index)", profileId: nil, profileName: "p", deviceId: nil,
            deviceName: deviceName ?? "device-\(index)", outcome: outcome,
            reason: outcome == .success ? "PROVISIONED" : "SECRET_MISMATCH"
        )
    }

    @Test func entriesAreReadNewestFirstPerTenantAndFilter() async throws {
        try await withStore { store in
            let tenant = Make.id()
            let other = Make.id()
            let mine = (0..<5).map {
                Self.entry($0, tenantId: tenant, outcome: $0.isMultiple(of: 2) ? .success : .notFound)
            }
            let theirs = [Self.entry(10, tenantId: other)]
            let orphan = [Self.entry(20, tenantId: nil, outcome: .notFound, deviceName: "Ghost_1")]
            try await store.appendAuditEntries(mine + theirs + orphan)
            try await store.appendAuditEntries(mine)  // a retried batch is harmless

            let page = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(), PageLink(pageSize: 2, page: 0))
            #expect(page.data == [mine[4], mine[3]])
            #expect(page.totalElements == 5)
            let failures = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(outcome: .notFound), PageLink(pageSize: 10, page: 0))
            #expect(failures.data == [mine[3], mine[1]])
            let everything = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
            #expect(everything.data == orphan + theirs + mine.reversed())
            let ghost = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 10, page: 0, textSearch: "ghost_"))
            #expect(ghost.data == orphan)
            let none = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 10, page: 0, textSearch: "ghost%1"))
            #expect(none.data.isEmpty)
        }
    }

    @Test func filtersByProfileAndDevice() async throws {
        try await withStore { store in
            var entry = Self.entry(1, tenantId: Make.id())
            entry.profileId = Make.id()
            entry.deviceId = Make.id()
            try await store.appendAuditEntries([entry, Self.entry(2, tenantId: entry.tenantId)])
            let byProfile = try await store.auditEntries(
                tenantId: entry.tenantId, filter: AuditFilter(profileId: entry.profileId),
                PageLink(pageSize: 10, page: 0))
            #expect(byProfile.data == [entry])
            let byDevice = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(deviceId: entry.deviceId), PageLink(pageSize: 10, page: 0))
            #expect(byDevice.data == [entry])
        }
    }
}
