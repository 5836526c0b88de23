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
                let device = Make.device(name, profile: profile, label: index.isMultiple(of: 3) ? nil : "L\(9 - index)", createdTime: Make.now + Int64(index))
                try await store.seedDevice(device)
                devices.append(device)
            }
            try await body(store, profile, devices)
        }
    }

    @Test func defaultListingIsNewestFirstWithTotals() async throws {
        try await seeded { store, profile, devices in
            let first = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 4, page: 0))
            #expect(first.data.map(\.device) == Array(devices.reversed().prefix(4)))
            #expect(first.totalElements == 9)
            #expect(first.totalPages == 3)
            #expect(first.hasNext)
            let last = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 4, page: 2))
            #expect(last.data.map(\.device) == [devices[0]])
            #expect(last.hasNext == false)
            let beyond = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 4, page: 9))
            #expect(beyond.data.isEmpty)
            #expect(beyond.totalElements == 9)
        }
    }

    @Test func listingShowsCredentialsTypeAndProvisionState() async throws {
        try await seeded { store, profile, devices in
            #expect(try await store.markProvisioned(deviceId: devices[8].id, at: 1) == .marked)
            let page = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 2, page: 0))
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
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 100, page: 0, sortProperty: .name, ascending: true))
            #expect(byName.data.map(\.device.name) == ["Alpha-1", "alpha-2", "ALPHA-3", "beta", "Boiler", "gamma-x", "gamma_%", "Älpler", "älteste"])
            let byLabel = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 100, page: 0, sortProperty: .label, ascending: true))
            #expect(byLabel.data.map(\.device.label) == ["L1", "L2", "L4", "L5", "L7", "L8", nil, nil, nil])
            let byLabelDown = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 3, page: 0, sortProperty: .label, ascending: false))
            #expect(byLabelDown.data.map(\.device.label) == [nil, nil, nil])
            let byType = try await store.devices(
                tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 100, page: 0, sortProperty: .type, ascending: true))
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
            let all = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 0, page: 0))
            #expect(all.data.isEmpty)
            #expect(all.totalElements == 10)
            let stranger = try await store.devices(tenantId: Make.id(), profileId: profile.id, PageLink(pageSize: 10, page: 0))
            #expect(stranger.totalElements == 0)
        }
    }

    /// The console's queries must not scan the devices table: each step is an index search.
    @Test(arguments: [
        PageLink(pageSize: 20, page: 0),
        PageLink(pageSize: 20, page: 3, textSearch: "dev"),
        PageLink(pageSize: 20, page: 0, textSearch: "dev", sortProperty: .name, ascending: true),
        PageLink(pageSize: 20, page: 0, sortProperty: .name, ascending: false),
    ])
    func deviceListingUsesIndexes(_ link: PageLink) async throws {
        try await withStore { store in
            for profileId in [nil, Make.id()] as [UUID?] {
                let statements = DevicePageStatements(tenantId: Make.id(), profileId: profileId, query: PageQuery(link))
                let plans = try await store.dbPool.read { db in
                    [
                        try Self.plan(statements.count, statements.countArguments, db),
                        try Self.plan(statements.page, statements.pageArguments, db),
                    ]
                }
                for plan in plans {
                    #expect(!plan.isEmpty)
                    for step in plan where step.hasPrefix("SCAN") {
                        // Only the page of ids chosen by the subquery is scanned.
                        #expect(step == "SCAN p", "full scan in \(plan)")
                    }
                    #expect(plan.contains { $0.hasPrefix("SEARCH d USING") || $0.hasPrefix("SEARCH devices USING") }, "\(plan)")
                    if profileId == nil, link.textSearch == nil, link.sortProperty == .createdTime {
                        #expect(plan.contains { $0.contains("idx_device_created_time") }, "\(plan)")
                    }
                    if profileId == nil, link.textSearch != nil {
                        #expect(plan.contains { $0.contains("idx_device_search_text") }, "\(plan)")
                    }
                    print("PLAN \(link) \(profileId != nil): \(plan)")
                }
            }
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
