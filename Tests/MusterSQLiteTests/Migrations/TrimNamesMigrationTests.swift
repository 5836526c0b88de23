import Foundation
import GRDB
import Logging
import MusterCore
import MusterTestSupport
import Testing

@testable import MusterSQLite

/// The migration that trims device and asset names stored with white space by earlier versions, on a real file.
@Suite struct TrimNamesMigrationTests {
    @Test func trimsStoredNamesAndLeavesCollisionsReported() async throws {
        try await withTemporaryDirectory(prefix: "muster-trim") { directory in
            let path = directory.appending("data")
            let first = try SQLiteStore.open(directory: path, logger: Logger(label: "test"))
            let profile = try await first.seedProfile()
            let padded = Make.device("  pre-sp  ", profile: profile, createdTime: Make.now + 1)
            let twin = Make.device("padimp ", profile: profile, createdTime: Make.now + 2)
            let holder = Make.device("padimp", profile: profile, createdTime: Make.now + 3)
            let tabbed = Make.device("\u{3000}wide\t", profile: profile, createdTime: Make.now + 4)
            let clean = Make.device("clean", profile: profile, createdTime: Make.now + 5)
            for device in [padded, twin, holder, tabbed, clean] { try await first.seedDevice(device) }
            let assetProfile = Make.assetProfile(tenantId: profile.tenantId)
            #expect(try await first.saveAssetProfile(assetProfile) == .saved)
            let asset = Make.asset(" hall ", profile: assetProfile, createdTime: Make.now + 6)
            #expect(try await first.insertAsset(asset) == .saved)
            // Make the file look like one written before the migration shipped.
            try await first.dbPool.write { db in
                try db.execute(sql: "DROP TABLE name_trim_report")
                try db.execute(
                    sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [SQLiteMigrations.trimNamesIdentifier]
                )
            }
            try first.close()

            let second = try SQLiteStore.open(directory: path, logger: Logger(label: "test"))
            let tenantId = profile.tenantId
            #expect(try await second.device(id: padded.id, tenantId: tenantId)?.name == "pre-sp")
            #expect(try await second.device(name: "pre-sp", tenantId: tenantId)?.id == padded.id)
            #expect(try await second.device(id: tabbed.id, tenantId: tenantId)?.name == "wide")
            #expect(try await second.device(id: twin.id, tenantId: tenantId)?.name == "padimp ")
            #expect(try await second.device(id: holder.id, tenantId: tenantId)?.name == "padimp")
            #expect(try await second.device(id: clean.id, tenantId: tenantId)?.name == "clean")
            #expect(try await second.asset(id: asset.id, tenantId: tenantId)?.name == "hall")
            // The case-insensitive prefix search finds the trimmed names.
            let page = try await second.devices(
                tenantId: tenantId, profileId: nil, PageLink(pageSize: 10, page: 0, textSearch: "PRE-", sortProperty: .name, ascending: true)
            )
            #expect(page.data.map(\.device.id) == [padded.id])

            let report = try await second.dbPool.read { try SQLiteMigrations.trimNamesReport($0) }
            #expect(report.count == 4)
            #expect(report.contains { $0.contains(#""  pre-sp  " -> "pre-sp": TRIMMED"#) })
            #expect(report.contains { $0.contains(#""padimp " -> "padimp": KEPT_NAME_TAKEN"#) })
            #expect(report.contains { $0.hasPrefix("ASSET") && $0.hasSuffix("TRIMMED") })
            try second.close()
        }
    }
}
