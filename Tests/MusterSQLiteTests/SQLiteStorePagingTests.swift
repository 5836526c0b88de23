import Foundation
import GRDB
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStorePagingTests {
    /// Names in creation order.
    static let names = ["Boiler", "alpha-2", "Alpha-1", "beta", "ALPHA-3", "Älpler", "älteste", "gamma_%", "gamma-x"]

    private func seeded(_ body: (SQLiteStore, DeviceProfile, [Device]) async throws -> Void) async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            var devices: [Device] = []
            for (index, name) in Self.names.enumerated() {
                let device = Make.device(
                    name, profile: profile, label: index.isMultiple(of: 3) ? nil : "L\(9 - index)",
                    createdTime: Make.now + Int64(index))
                try await store.seedDevice(device)
                devices.append(device)
            }
            try await body(store, profile, devices)
        }
    }

    @Test func defaultListingIsNewestFirstWithTotals() async throws {
        try await seeded { store, profile, devices in
            let first = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 4, page: 0))
            #expect(first.data.map(\.device) == Array(devices.reversed().prefix(4)))
            #expect(first.totalElements == 9)
            #expect(first.totalPages == 3)
            #expect(first.hasNext)
            let last = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 4, page: 2))
            #expect(last.data.map(\.device) == [devices[0]])
            #expect(last.hasNext == false)
            let beyond = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 4, page: 9))
            #expect(beyond.data.isEmpty)
            #expect(beyond.totalElements == 9)
        }
    }

    @Test func listingShowsCredentialsTypeAndProvisionState() async throws {
        try await seeded { store, profile, devices in
            #expect(try await store.markProvisioned(deviceId: devices[8].id, at: 1) == .marked)
            let page = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 2, page: 0))
            #expect(page.data.map(\.provisionState) == ["provisioned", nil])
            #expect(page.data.map(\.credentialsType) == [.accessToken, .accessToken])
        }
    }

    @Test(arguments: [
        ("alpha", ["ALPHA-3", "Alpha-1", "alpha-2"]),
        ("ALPHA-", ["ALPHA-3", "Alpha-1", "alpha-2"]),
        ("äl", ["älteste", "Älpler"]),
        ("ÄLT", ["älteste"]),
        ("gamma_", ["gamma_%"]),
        ("gamma_%", ["gamma_%"]),
        ("b", ["beta", "Boiler"]),
        ("z", []),
    ])
    func textSearchIsACaseInsensitivePrefix(_ prefix: String, _ expected: [String]) async throws {
        try await seeded { store, profile, _ in
            let page = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 100, page: 0, textSearch: prefix))
            #expect(page.data.map(\.device.name) == expected)
            #expect(page.totalElements == expected.count)
        }
    }

    @Test func sortsByNameTypeAndLabel() async throws {
        try await seeded { store, profile, _ in
            let byName = try await store.devices(
                tenantId: profile.tenantId, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .name, ascending: true))
            #expect(
                byName.data.map(\.device.name) == [
                    "Alpha-1", "alpha-2", "ALPHA-3", "beta", "Boiler", "gamma-x", "gamma_%", "Älpler", "älteste",
                ])
            let byLabel = try await store.devices(
                tenantId: profile.tenantId, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .label, ascending: true))
            #expect(byLabel.data.map(\.device.label) == [nil, nil, nil, "L1", "L2", "L4", "L5", "L7", "L8"])
            let byLabelDown = try await store.devices(
                tenantId: profile.tenantId, profileId: nil,
                PageLink(pageSize: 3, page: 0, sortProperty: .label, ascending: false))
            #expect(byLabelDown.data.map(\.device.label) == ["L8", "L7", "L5"])
            let byType = try await store.devices(
                tenantId: profile.tenantId, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .type, ascending: true))
            #expect(byType.data.count == 9)
        }
    }

    @Test func profileFilterAndTenantIsolation() async throws {
        try await seeded { store, profile, _ in
            let other = Make.deviceProfile(tenantId: profile.tenantId, name: "Other")
            #expect(try await store.saveDeviceProfile(other) == .saved)
            try await store.seedDevice(Make.device("alpha-other", profile: other))
            let page = try await store.devices(
                tenantId: profile.tenantId, profileId: other.id, PageLink(pageSize: 10, page: 0, textSearch: "alpha"))
            #expect(page.data.map(\.device.name) == ["alpha-other"])
            #expect(page.totalElements == 1)
            let all = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 0, page: 0))
            #expect(all.data.isEmpty)
            #expect(all.totalElements == 10)
            let stranger = try await store.devices(
                tenantId: Make.id(), profileId: profile.id, PageLink(pageSize: 10, page: 0))
            #expect(stranger.totalElements == 0)
        }
    }

    /// The console's queries never scan the devices table, and the page's ids come in index order without a
    /// sort, except a sparse prefix search sorted by something else than the name (its few matches are sorted).
    @Test(arguments: [
        (PageLink(pageSize: 20, page: 0), "idx_device_created_time"),
        (PageLink(pageSize: 20, page: 0, sortProperty: .name, ascending: true), "idx_device_search_text"),
        (PageLink(pageSize: 20, page: 0, sortProperty: .type), "idx_device_type"),
        (PageLink(pageSize: 20, page: 0, sortProperty: .label, ascending: true), "idx_device_label"),
        (PageLink(pageSize: 20, page: 3, textSearch: "dev", sortProperty: .name), "idx_device_search_text"),
        (PageLink(pageSize: 20, page: 3, textSearch: "dev"), "idx_device_search_text"),
    ])
    func deviceListingUsesIndexes(_ link: PageLink, _ index: String) async throws {
        try await withStore { store in
            for walk in [false, true] {
                let statements = DevicePageStatements(
                    tenantId: Make.id(), profileId: nil, query: PageQuery(link), denseSearch: walk)
                let (count, page) = try await store.dbPool.read { db in
                    (
                        try Self.plan(statements.count, statements.countArguments, db),
                        try Self.plan(statements.page, statements.pageArguments, db)
                    )
                }
                #expect(page.allSatisfy { !$0.hasPrefix("SCAN") || $0 == "SCAN p" }, "full scan: \(page)")
                // Unfiltered totals come from the counters; a search counts its (capped) matches on an index.
                if link.textSearch == nil {
                    #expect(count == ["SEARCH entity_counts USING PRIMARY KEY (tenant_id=? AND entity_kind=?)"], "\(count)")
                } else {
                    #expect(count.contains { $0.hasPrefix("SEARCH devices USING COVERING INDEX") }, "\(count)")
                    #expect(!count.contains { $0.hasPrefix("SCAN devices") }, "\(count)")
                }
                let walks = walk && link.textSearch != nil && link.sortProperty != .name
                let expected = walks ? "idx_device_created_time" : index
                #expect(
                    page.contains { $0.hasPrefix("SEARCH d USING COVERING INDEX \(expected) ") },
                    "walk \(walk): \(page)")
                // The subquery's ids come in index order: only the outer re-sort of the page remains.
                let sorts = page.filter { $0.contains("TEMP B-TREE") }.count
                let sortsMatches = link.textSearch != nil && link.sortProperty == .createdTime && !walks
                #expect(sorts == (sortsMatches ? 2 : 1), "\(page)")
            }
        }
    }

    @Test func profileFilteredListingUsesTheProfileIndex() async throws {
        try await withStore { store in
            let statements = DevicePageStatements(
                tenantId: Make.id(), profileId: Make.id(), query: PageQuery(PageLink(pageSize: 20, page: 0)),
                denseSearch: false)
            let (count, page) = try await store.dbPool.read { db in
                (
                    try Self.plan(statements.count, statements.countArguments, db),
                    try Self.plan(statements.page, statements.pageArguments, db)
                )
            }
            #expect(count == ["SEARCH entity_counts USING PRIMARY KEY (tenant_id=? AND entity_kind=? AND profile_id=?)"])
            #expect(
                page.contains(
                    "SEARCH d USING COVERING INDEX idx_device_profile_id_created_time (tenant_id=? AND device_profile_id=?)"
                ))
        }
    }

    @Test func aDensePrefixIsFoundByWalkingTheTimeIndex() async throws {
        try await withStore(.init(denseSearchMatches: 10)) { store in
            let profile = try await store.seedProfile()
            let count = 12
            for index in 0..<count {
                try await store.seedDevice(
                    Make.device("dense-\(index)", profile: profile, createdTime: Make.now + Int64(index)))
            }
            try await store.seedDevice(Make.device("other", profile: profile, createdTime: Make.now + 100))
            let page = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 3, page: 1, textSearch: "DENSE-"))
            #expect(page.totalElements == count)
            #expect(page.data.map(\.device.name) == (3..<6).map { "dense-\(count - 1 - $0)" })
            #expect(page.data.allSatisfy { $0.credentialsType == .accessToken && $0.provisionState == nil })
            let sparse = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 3, page: 0, textSearch: "oth"))
            #expect(sparse.data.map(\.device.name) == ["other"])
        }
    }

    @Test func provisioningLookupsUseIndexes() async throws {
        try await withStore { store in
            let plans = try await store.dbPool.read { db in
                [
                    try Self.plan("SELECT id FROM device_profiles WHERE provision_device_key = ?", ["k"], db),
                    try Self.plan(
                        "SELECT d.id FROM devices AS d LEFT JOIN device_credentials AS c ON c.device_id = d.id "
                            + "LEFT JOIN attributes AS a ON a.entity_id = d.id AND a.scope = 2 AND a.key = 'provisionState' "
                            + "WHERE d.tenant_id = ? AND d.name = ?", [Make.id(), "n"], db),
                    try Self.plan("SELECT id FROM device_credentials WHERE credentials_id = ?", ["t"], db),
                ]
            }
            for plan in plans {
                #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
            }
        }
    }

    /// The `detail` column of `EXPLAIN QUERY PLAN`.
    static func plan(_ sql: String, _ arguments: StatementArguments, _ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
    }
}
