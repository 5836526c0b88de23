import Foundation
import GRDB
import MusterCore
import Testing

@testable import MusterSQLite

/// How the SQLite store answers listings: its query plans (indexes, counters, no full scans) and the dense
/// prefix search's walk of the time index (``SQLiteStore/Configuration/denseSearchMatches``). What a listing
/// returns, on both stores, is in the conformance suite of `MusterPostgresTests` (`DeviceConformanceTests`).
@Suite struct SQLiteStorePagingTests {
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
