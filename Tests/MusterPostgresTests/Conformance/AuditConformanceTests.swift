import Foundation
import MusterCore
import Testing

/// ``AuditStore`` on every store: appends are idempotent, pages are newest first, filters and the name prefix.
@Suite struct AuditConformanceTests {
    static func entry(_ index: Int, tenantId: UUID?, outcome: ProvisionOutcome = .success, deviceName: String? = nil)
        -> AuditEntry
    {
        AuditEntry(
            id: Fixed.id(index), tenantId: tenantId, time: Fixed.now + Int64(index), transport: .mqtt,
            sourceAddress: "192.0.2.\(index)", profileId: nil, profileName: "p", deviceId: nil,
            deviceName: deviceName ?? "device-\(index)", outcome: outcome,
            reason: outcome == .success ? "PROVISIONED" : "SECRET_MISMATCH")
    }

    @Test(arguments: StoreKind.allCases)
    func entriesAreReadNewestFirstPerTenantAndFilter(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tenant = Fixed.id(1000)
            let other = Fixed.id(1001)
            let mine = (0..<5).map {
                Self.entry($0, tenantId: tenant, outcome: $0.isMultiple(of: 2) ? .success : .notFound)
            }
            let theirs = [Self.entry(10, tenantId: other)]
            let orphan = [Self.entry(20, tenantId: nil, outcome: .notFound, deviceName: "Ghost_1")]
            try await store.appendAuditEntries(mine + theirs + orphan)
            try await store.appendAuditEntries(mine)  // a retried batch is harmless
            try await store.appendAuditEntries([])

            let page = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(), PageLink(pageSize: 2, page: 0))
            #expect(page.data == [mine[4], mine[3]])
            #expect(page.totalElements == 5)
            let next = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(), PageLink(pageSize: 2, page: 2))
            #expect(next.data == [mine[0]])
            let failures = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(outcome: .notFound), PageLink(pageSize: 10, page: 0))
            #expect(failures.data == [mine[3], mine[1]])
            #expect(failures.totalElements == 2)
            let everything = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
            #expect(everything.data == orphan + theirs + mine.reversed())
            let ghost = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 10, page: 0, textSearch: "ghost_"))
            #expect(ghost.data == orphan)
            let none = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 10, page: 0, textSearch: "ghost%1"))
            #expect(none.data.isEmpty && none.totalElements == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTimeRangeIsInclusiveAtBothEndsAndCombinesWithTheOtherFilters(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tenant = Fixed.id(1000)
            let entries = (0..<6).map {
                Self.entry($0, tenantId: tenant, outcome: $0.isMultiple(of: 2) ? .success : .notFound)
            }
            try await store.appendAuditEntries(entries)
            let link = PageLink(pageSize: 10, page: 0)
            let range = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(startTime: Fixed.now + 1, endTime: Fixed.now + 4), link)
            #expect(range.data == [entries[4], entries[3], entries[2], entries[1]])
            #expect(range.totalElements == 4)
            let from = try await store.auditEntries(tenantId: tenant, filter: AuditFilter(startTime: Fixed.now + 5), link)
            #expect(from.data == [entries[5]])
            let until = try await store.auditEntries(tenantId: tenant, filter: AuditFilter(endTime: Fixed.now), link)
            #expect(until.data == [entries[0]])
            let failures = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(outcome: .notFound, startTime: Fixed.now + 2, endTime: Fixed.now + 5),
                link)
            #expect(failures.data == [entries[5], entries[3]])
            let empty = try await store.auditEntries(
                tenantId: tenant, filter: AuditFilter(startTime: Fixed.now + 100), link)
            #expect(empty.data.isEmpty && empty.totalElements == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sameTimeEntriesAreOrderedByIdDescending(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let entries = (1...3).map {
                var entry = Self.entry($0, tenantId: Fixed.id(1000))
                entry.time = Fixed.now
                return entry
            }
            try await store.appendAuditEntries(entries.shuffled())
            let page = try await store.auditEntries(
                tenantId: Fixed.id(1000), filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
            #expect(page.data == entries.reversed())
        }
    }

    /// Also: an entry keeps the node that wrote it (`node`), and one without a node reads back without one.
    @Test(arguments: StoreKind.allCases)
    func filtersByProfileAndDevice(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            var entry = Self.entry(1, tenantId: Fixed.id(1000))
            entry.profileId = Fixed.id(2000)
            entry.deviceId = Fixed.id(3000)
            entry.node = "node-a:8080"
            try await store.appendAuditEntries([entry, Self.entry(2, tenantId: entry.tenantId)])
            let byProfile = try await store.auditEntries(
                tenantId: entry.tenantId, filter: AuditFilter(profileId: entry.profileId),
                PageLink(pageSize: 10, page: 0))
            #expect(byProfile.data == [entry])
            let byDevice = try await store.auditEntries(
                tenantId: nil, filter: AuditFilter(deviceId: entry.deviceId), PageLink(pageSize: 10, page: 0))
            #expect(byDevice.data == [entry])
            let both = try await store.auditEntries(tenantId: entry.tenantId, filter: AuditFilter(), PageLink(pageSize: 10, page: 0))
            #expect(both.data.map(\.node) == [nil, "node-a:8080"])
        }
    }
}
