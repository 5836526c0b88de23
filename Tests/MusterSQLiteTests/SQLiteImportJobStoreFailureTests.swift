import Foundation
import GRDB
import Logging
import MusterCore
import MusterTestSupport
import Synchronization
import Testing

@testable import MusterSQLite

/// An import job stopped by a condition of the store (a full disk, a database that refuses writes) is recorded
/// FAILED with that condition once the store writes again, even when the write of its end is refused at first: the
/// job stays this node's meanwhile, and its upload is deleted before the first try.
@Suite struct SQLiteImportJobStoreFailureTests {
    /// `PRAGMA query_only` on the writer: while it is on, every write fails with `SQLITE_READONLY` (a store
    /// condition, ``StoreFailure/io``), as a full disk fails them with `SQLITE_FULL`.
    private func refuseWrites(_ store: SQLiteStore, _ refuse: Bool) async throws {
        try await store.dbPool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = \(refuse ? 1 : 0)") }
    }

    @Test func aJobStoppedByTheStoreIsRecordedFailedOnceTheStoreWritesAgain() async throws {
        try await ImportHarness.with { harness in
            let store = try #require(harness.store as? SQLiteStore)
            let fixture = harness.fixture
            let registry = ImportJobRegistry(store: store, clock: fixture.clock, nodeName: "node-a")
            let queue = ImportJobQueue(
                registry: registry, importer: BulkImporter(store: store, profiles: fixture.profiles, clock: fixture.clock),
                logger: Logger(label: "test"))
            let runner = Task { await queue.run() }
            defer { runner.cancel() }

            let type = harness.deviceProfile.name
            let csv = Array("name,type\nd1,\(type)\nd2,\(type)\n".utf8)
            let job = try await registry.start(tenantId: harness.tenantId, entityType: .device, dryRun: false, bytesTotal: csv.count)
            try await refuseWrites(store, true)
            let cleanedUp = Atomic(false)
            let mapping = try ImportMapping(
                entityType: .device, columns: [RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE")], delimiter: ",", header: true, update: false)
            await queue.submit(ImportJobQueue.Submission(
                job: job, mapping: mapping, source: InMemoryImportSource(csv),
                cleanup: { cleanedUp.store(true, ordering: .relaxed) }))

            // The job stops on its first batch, its upload goes, and its end cannot be written yet.
            try await poll { cleanedUp.load(ordering: .relaxed) }
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await registry.job(job.id, tenantId: harness.tenantId)?.status == .running)
            #expect(registry.runningHere.contains(job.id), "the job stays this node's while its end is retried")

            try await refuseWrites(store, false)
            try await poll { try await registry.job(job.id, tenantId: harness.tenantId)?.status == .failed }
            let ended = try #require(try await registry.job(job.id, tenantId: harness.tenantId))
            #expect(ended.failure == "the import stopped on a database I/O error; rows committed before it stay")
            #expect(try await store.count("devices") == 0)
            queue.shutdown()
            await runner.value
        }
    }

    /// Waits up to 10 s for `condition`.
    private func poll(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 10 s")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
