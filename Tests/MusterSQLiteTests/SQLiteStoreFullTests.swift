import Foundation
import GRDB
import MusterCore
import Testing

@testable import MusterSQLite

/// A full database (`SQLITE_FULL`, made real by capping the file with `PRAGMA max_page_count` on the writer) is
/// ``StoreFailure/full``, stores nothing of the refused write, and leaves the store working once space is back: no
/// connection stays poisoned.
@Suite struct SQLiteStoreFullTests {
    /// Caps the database at its current size, or lifts the cap.
    private func cap(_ store: SQLiteStore, atCurrentSize: Bool) async throws {
        try await store.dbPool.writeWithoutTransaction { db in
            if atCurrentSize {
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            } else {
                try db.execute(sql: "PRAGMA max_page_count = 1073741823")
            }
        }
    }

    @Test(arguments: [true, false])
    func provisioningOnAFullDatabaseIsFullThenWorksAgain(groupCommit: Bool) async throws {
        try await withStore(.init(groupCommit: groupCommit)) { store in
            let profile = try await store.seedProfile(key: "pk")
            try await cap(store, atCurrentSize: true)
            var created = 0
            var failure: (any Error)?
            for index in 0..<5_000 {
                do {
                    #expect(try await store.createProvisionedDevice(Make.plan("d\(index)", profile: profile)) == .created)
                    created += 1
                } catch {
                    failure = error
                    break
                }
            }
            let error = try #require(failure as? any StoreFailureReporting, "no write was refused")
            #expect(error.storeFailure == .full)
            #expect(error.storeDiagnostic.hasPrefix("SQLite error 13 (SQLITE_FULL): "))
            // All or nothing: the refused provisioning left no device, credentials or state behind.
            #expect(try await store.count("devices") == created)
            #expect(try await store.count("device_credentials") == created)

            try await cap(store, atCurrentSize: false)
            #expect(try await store.createProvisionedDevice(Make.plan("after", profile: profile)) == .created)
            #expect(try await store.count("devices") == created + 1)
            let check = try await store.dbPool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            #expect(check == "ok")
        }
    }
}
