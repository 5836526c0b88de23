import Foundation
import GRDB
import Logging
import MusterCore
import MusterTestSupport
import Testing

@testable import MusterSQLite

@Suite struct SQLiteMigrationsTests {
    @Test func reopeningTheSameFileKeepsDataAndMigratesNothingTwice() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending("nested/data")
            let first = try SQLiteStore.open(directory: path, logger: Logger(label: "test"))
            let profile = try await first.seedProfile(key: "pk")
            try first.close()

            let second = try SQLiteStore.open(directory: path, logger: Logger(label: "test"))
            #expect(try await second.deviceProfile(provisionKey: "pk") == profile)
            let applied = try await second.dbPool.read { try SQLiteMigrations.migrator.appliedIdentifiers($0) }
            #expect(applied == Set(SQLiteMigrations.migrator.migrations))
            #expect(try await second.dbPool.read { try SQLiteMigrations.migrator.hasCompletedMigrations($0) })
            try second.close()
            #expect(FileManager.default.fileExists(atPath: directory.appending("nested/data/muster.sqlite")))
        }
    }

    @Test func connectionsAreConfigured() async throws {
        try await withStore(.init(synchronous: .full, cacheSizeKiB: 1024)) { store in
            let (journal, foreignKeys, synchronous, cache) = try await store.dbPool.write { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                    try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA cache_size")
                )
            }
            #expect(journal == "wal")
            #expect(foreignKeys == 1)
            #expect(synchronous == 2)
            #expect(cache == -1024)
        }
        try await withStore { store in
            let synchronous = try await store.dbPool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
            #expect(synchronous == 1)
            let readerCache = try await store.dbPool.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") }
            #expect(readerCache == -65_536)
        }
    }

    @Test func everyNamedConstraintIsRecognised() async throws {
        try await withStore { store in
            let schema = try await store.dbPool.read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL").joined(
                    separator: "\n")
            }
            for constraint in SQLiteConstraint.allCases where constraint != .foreignKey {
                #expect(schema.contains(constraint.rawValue), "\(constraint) is in the schema")
            }
        }
    }
}
