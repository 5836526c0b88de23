import Foundation
import Logging
import MusterCore
@testable import MusterPostgres
import MusterTestSupport
import PostgresNIO
import Testing

/// The page orders of the console's lists on PostgreSQL: each is served by an index read forwards or backwards, so a
/// page at 1,000,000 devices never sorts the tenant's table (checked with sorting made prohibitively expensive, as
/// SQLite's query-plan tests check its plans).
@Suite struct PostgresQueryPlanTests {
    private let logger = Logger(label: "postgres-plan-test")

    @Test func everyPageOrderOfDevicesAndAssetsReadsAnIndex() async throws {
        let store = try await PostgresStore.open(try await PostgresTestCluster.makeDatabase(), timeout: .seconds(60), logger: logger)
        defer { store.close() }
        let (device, asset) = try await DeviceConformanceTests.seed(store)
        let tenant = DeviceConformanceTests.tenant.id
        // Enough rows (half without a label) that the statistics are real.
        for (table, profileColumn, profile) in [("devices", "device_profile_id", device.id), ("assets", "asset_profile_id", asset.id)] {
            try await store.client.query(
                PostgresQuery(unsafeSQL: """
                    INSERT INTO \(table) (tenant_id, id, name, search_text, type, \(profileColumn), label, created_time, version)
                    SELECT '\(tenant)', gen_random_uuid(), 'n-' || i, 'n-' || i, 't' || (i % 7), '\(profile)',
                        CASE WHEN i % 2 = 0 THEN 'l-' || (i % 13) END, i, 1
                    FROM generate_series(1, 20000) AS i
                    """), logger: logger)
            try await store.client.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
        }
        for table in ["devices", "assets"] {
            for property in [PageLink.SortProperty.createdTime, .name, .type, .label] {
                for ascending in [true, false] {
                    let page = PostgresPageQuery(PageLink(pageSize: 10, page: 50, sortProperty: property, ascending: ascending))
                    let order = page.ordering(alias: "d.", type: "type", label: "label")
                    let plan = try await store.client.withConnection { connection in
                        try await connection.query("SET enable_sort = off", logger: logger)
                        var lines: [String] = []
                        let rows = try await connection.query(
                            PostgresQuery(unsafeSQL: """
                                EXPLAIN SELECT d.id FROM \(table) AS d WHERE d.tenant_id = '\(tenant)'
                                ORDER BY \(order) LIMIT 10 OFFSET 500
                                """), logger: logger)
                        for try await row in rows { lines.append(try row.decode(String.self)) }
                        try await connection.query("RESET enable_sort", logger: logger)
                        return lines.joined(separator: "\n")
                    }
                    #expect(!plan.contains("Sort"), "\(table) by \(property) \(ascending ? "ascending" : "descending"):\n\(plan)")
                    #expect(plan.contains("Index"), "\(table) by \(property):\n\(plan)")
                }
            }
        }
    }
}
