import GRDB
import MusterCore

extension SQLiteStore {
    /// How the SQLite connections are set up.
    package struct Configuration: Sendable {
        /// How durable a commit is.
        package enum Synchronous: String, Sendable {
            /// Durable across application crashes; a power loss may lose the last commits (WAL keeps the file
            /// consistent). About 1.5× the commit rate of ``full``.
            case normal = "NORMAL"
            /// Every commit is synced to disk.
            case full = "FULL"
        }

        /// `PRAGMA synchronous` on the writer connection.
        package var synchronous: Synchronous
        /// The page cache of each connection, in KiB (`PRAGMA cache_size = -N`).
        package var cacheSizeKiB: Int
        /// How long a connection waits for a lock held by another process before failing with `SQLITE_BUSY`.
        package var busyTimeout: Duration
        /// The most concurrent reader connections.
        package var maximumReaderCount: Int
        /// `PRAGMA wal_autocheckpoint`, in pages; `nil` keeps SQLite's default (1000).
        package var walAutocheckpointPages: Int?
        /// Whether concurrent ``SQLiteStore/createProvisionedDevice(_:)`` calls share one transaction (one
        /// SAVEPOINT each, so each stays all-or-nothing on its own).
        package var groupCommit: Bool
        /// The most provisionings in one group-commit transaction.
        package var maximumGroupSize: Int
        /// Above this many matches, a device prefix search not sorted by name walks the sort's index instead of
        /// sorting the matches (see ``DevicePageStatements``).
        package var denseSearchMatches: Int
        /// The most matches a name-prefix search counts for `totalElements` (a broader prefix reports this many), so
        /// that a one-letter search over millions of devices stays fast; unfiltered totals come from counters.
        package var maxSearchCount: Int
        /// The rows of an import's batch while other writes wait for the writer (``SQLiteStore/importBatchLimit``).
        package var contendedImportBatchSize: Int
        /// How long after the last write someone waits for an import keeps its batches small and paced.
        package var contendedImportWindow: Duration

        /// The defaults: `synchronous = NORMAL`, a 64 MiB page cache per connection, a 5 s busy timeout, five
        /// readers, SQLite's checkpoint interval, and group commit of up to 64 provisionings.
        package init(
            synchronous: Synchronous = .normal, cacheSizeKiB: Int = 65_536, busyTimeout: Duration = .seconds(5),
            maximumReaderCount: Int = 5, walAutocheckpointPages: Int? = nil, groupCommit: Bool = true,
            maximumGroupSize: Int = 64, denseSearchMatches: Int = 50_000, maxSearchCount: Int = 100_000,
            contendedImportBatchSize: Int = 32, contendedImportWindow: Duration = .milliseconds(500)
        ) {
            self.synchronous = synchronous
            self.cacheSizeKiB = cacheSizeKiB
            self.busyTimeout = busyTimeout
            self.maximumReaderCount = maximumReaderCount
            self.walAutocheckpointPages = walAutocheckpointPages
            self.groupCommit = groupCommit
            self.maximumGroupSize = maximumGroupSize
            self.denseSearchMatches = denseSearchMatches
            self.maxSearchCount = maxSearchCount
            self.contendedImportBatchSize = max(1, contendedImportBatchSize)
            self.contendedImportWindow = contendedImportWindow
        }

        /// Where group commits are counted and timed (``MusterMetrics``).
        package var metrics: MusterMetrics = .off

        /// The GRDB configuration: WAL, foreign keys, busy timeout, and the per-connection pragmas.
        var databaseConfiguration: GRDB.Configuration {
            var config = GRDB.Configuration()
            config.label = "muster"
            config.journalMode = .wal
            config.foreignKeysEnabled = true
            let (seconds, attoseconds) = busyTimeout.components
            config.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
            config.maximumReaderCount = max(1, maximumReaderCount)
            let cacheSize = max(cacheSizeKiB, 0)
            let checkpoint = walAutocheckpointPages
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA cache_size = -\(cacheSize)")
                if let checkpoint, !db.configuration.readonly {
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(checkpoint, 0))")
                }
            }
            return config
        }

        /// Applies what must come after GRDB's own setup: in WAL mode GRDB sets `synchronous = NORMAL` after
        /// `prepareDatabase`, so another level is set on the open writer and read back.
        /// - Throws: A `DatabaseError`, or ``SQLiteStoreError`` when the level did not take.
        func applyAfterOpening(_ dbPool: DatabasePool) throws {
            let wanted = synchronous
            try dbPool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(wanted.rawValue)")
                let level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
                let expected = wanted == .full ? 2 : 1
                guard level == expected else {
                    throw SQLiteStoreError.pragmaNotApplied(name: "synchronous")
                }
            }
        }
    }
}
