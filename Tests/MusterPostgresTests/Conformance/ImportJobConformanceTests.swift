import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `ImportJobStore` on every store, through the core's ``ImportJobRegistry`` and ``BulkImporter``: jobs per
/// tenant, the cancel flag, counts written with the rows they count, failed rows, and the reaper of stopped nodes.
@Suite struct ImportJobConformanceTests {
    typealias H = ImportRowHarness

    static let csv = """
        name,type,label,serialNumber,token\r
        d1,thermostat,L1,SN1,tok-1\r
        d2,thermostat,=1+1,SN2,tok-1\r
        d3,meter,,,\r
        existing,thermostat,,,tok-9\r
        d5,,,"SN,5",taken\r
        d6,meter,L6,007,\r

        """

    @Test(arguments: StoreKind.allCases)
    func jobsAreReadListedAndCancelledPerTenant(_ kind: StoreKind) async throws {
        try await H.withCore(kind) { h, fixture in
            let node = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-a")
            let first = try await node.start(tenantId: h.tenantId, entityType: .device, dryRun: false, bytesTotal: 10)
            fixture.clock.advance(by: 5)
            let second = try await node.start(tenantId: h.tenantId, entityType: .asset, dryRun: true, bytesTotal: 20)
            let foreign = UUID()

            // Another node reads the same jobs; another tenant finds none of them.
            let other = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-b")
            #expect(try await other.job(first.id, tenantId: h.tenantId) == first)
            #expect(try await other.jobs(tenantId: h.tenantId).map(\.id) == [second.id, first.id])
            #expect(try await other.job(first.id, tenantId: foreign) == nil)
            #expect(try await other.jobs(tenantId: foreign).isEmpty)
            #expect(try await other.cancel(first.id, tenantId: foreign) == nil)
            #expect(try await other.isCancelRequested(first.id, tenantId: h.tenantId) == false)

            let cancelled = try #require(try await other.cancel(first.id, tenantId: h.tenantId))
            #expect(cancelled.cancelRequested && cancelled.status == .running && cancelled.owner == "node-a")
            #expect(try await node.isCancelRequested(first.id, tenantId: h.tenantId))
            #expect(try await node.isCancelRequested(second.id, tenantId: h.tenantId) == false)

            // An ended job keeps its status; cancelling it changes nothing.
            try await node.finish(
                second.id,
                summary: ImportSummary(progress: .init(), errorLines: [], cancelled: false)
            )
            let done = try #require(try await other.cancel(second.id, tenantId: h.tenantId))
            #expect(done.status == .done && !done.cancelRequested && done.endTime == fixture.clock.nowMilliseconds())
            #expect(try await h.store.endImportJob(second.id, status: .failed, failure: "late", at: 1) == false)
        }
    }

    @Test(arguments: StoreKind.allCases, [1, 2, 5000])
    func countsAndFailedRowsAreWrittenWithTheRowsTheyCount(_ kind: StoreKind, batchSize: Int) async throws {
        try await H.withCore(kind) { h, fixture in
            _ = try await h.apply([try H.row("existing", token: "taken")])
            let registry = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-a")
            let job = try await registry.start(
                tenantId: h.tenantId,
                entityType: .device,
                dryRun: false,
                bytesTotal: Self.csv.utf8.count
            )
            let importer = BulkImporter(
                store: h.store,
                profiles: fixture.profiles,
                clock: fixture.clock,
                configuration: .init(batchSize: batchSize)
            )

            let summary = try await importer.run(
                mapping: try BulkImportConformanceTests.mapping(),
                tenantId: h.tenantId,
                dryRun: false,
                source: InMemoryImportSource(Array(Self.csv.utf8), chunkSize: 7),
                job: ImportJobLink(id: job.id, store: h.store)
            )

            // The stored job reports exactly what was committed, and the summary.
            let stored = try #require(try await h.store.importJob(job.id, tenantId: h.tenantId))
            #expect(stored.progress == summary.progress)
            #expect(stored.errorLines == summary.errorLines)
            #expect(stored.progress.created == 3 && stored.progress.errors == 3 && stored.progress.rowsProcessed == 6)
            let devices = try await h.store.devices(
                tenantId: h.tenantId,
                profileId: nil,
                PageLink(pageSize: 100, page: 0)
            )
            #expect(devices.totalElements == 1 + stored.progress.created)
            #expect(stored.progress.bytesProcessed == Self.csv.utf8.count)
            // The errors CSV: the header and every failed row in line order, formula cells neutralised.
            let rows = try await h.store.importFailedRows(jobId: job.id, after: .min, limit: 100)
            #expect(
                rows.map(\.text) == [
                    "name,type,label,serialNumber,token,error",
                    "d2,thermostat,'=1+1,SN2,tok-1,Line 3: the same credentials as line 2",
                    "existing,thermostat,,,tok-9,Line 5: device 'existing' already exists (update is off)",
                    "d5,,,\"SN,5\",taken,Line 6: the credentials are already assigned to another device",
                ]
            )
            #expect(rows.map(\.sequence) == [1, 3, 5, 6])
            let paged = try await h.store.importFailedRows(jobId: job.id, after: 3, limit: 1)
            #expect(paged == [rows[2]])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCheckpointOfAJobNoLongerRunningRollsItsBatchBack(_ kind: StoreKind) async throws {
        try await H.withCore(kind) { h, fixture in
            let registry = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-a")
            let job = try await registry.start(tenantId: h.tenantId, entityType: .device, dryRun: false, bytesTotal: 1)
            try await registry.fail(job.id, reason: "interrupted")
            let checkpoint = ImportJobCheckpoint(
                jobId: job.id,
                progress: ImportProgress(),
                errorLines: [],
                failedRows: [ImportFailedRow(sequence: 2, text: "x")],
                time: fixture.clock.nowMilliseconds()
            )
            var batch = ImportBatch(
                tenantId: h.tenantId,
                entityType: .device,
                update: false,
                dryRun: false,
                timestamp: 1_000,
                defaultProfile: h.deviceProfile,
                rows: [try H.row("late")]
            )
            batch.checkpoint = { _ in checkpoint }

            await #expect(throws: ImportJobStoreError.notRunning(job.id)) { try await h.store.applyImport(batch) }
            await #expect(throws: ImportJobStoreError.notRunning(job.id)) {
                try await h.store.recordImportCheckpoint(checkpoint)
            }

            #expect(try await h.store.device(name: "late", tenantId: h.tenantId) == nil)
            #expect(try await h.store.importFailedRows(jobId: job.id, after: .min, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theReaperInterruptsAStaleJobOnceWithItsCommittedCounts(_ kind: StoreKind) async throws {
        try await H.withCore(kind) { h, fixture in
            // Given node A's job with a committed batch, and a fresh job of node C,
            let nodeA = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-a")
            let job = try await nodeA.start(tenantId: h.tenantId, entityType: .device, dryRun: false, bytesTotal: 100)
            var progress = ImportProgress(bytesTotal: 100)
            progress.rowsProcessed = 3
            progress.created = 2
            progress.errors = 1
            try await h.store.recordImportCheckpoint(
                ImportJobCheckpoint(
                    jobId: job.id,
                    progress: progress,
                    errorLines: ["Line 3: x"],
                    failedRows: [],
                    time: fixture.clock.nowMilliseconds()
                )
            )
            fixture.clock.advance(by: ImportJobRegistry.staleAfterMilliseconds)
            let nodeC = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-c")
            let fresh = try await nodeC.start(tenantId: h.tenantId, entityType: .device, dryRun: false, bytesTotal: 1)
            // when A stops refreshing its heartbeat for more than 15 s,
            let nodeB = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-b")
            #expect(try await nodeB.reap().isEmpty)
            // (the checkpoint moved the heartbeat 1 ms past the job's start)
            fixture.clock.advance(by: 2)

            // then two reapers interrupt it exactly once, with its committed counts, and leave C's job alone.
            let first = try await nodeB.reap()
            let second = try await nodeC.reap()
            #expect(first.map(\.id) == [job.id] && second.isEmpty)
            let stored = try #require(try await h.store.importJob(job.id, tenantId: h.tenantId))
            #expect(stored.status == .failed)
            #expect(
                stored.failure == "interrupted: node node-a stopped; 3 rows committed (2 created, 0 updated, 1 failed)"
            )
            #expect(stored.endTime == fixture.clock.nowMilliseconds())
            #expect(try await h.store.importJob(fresh.id, tenantId: h.tenantId)?.status == .running)
            // A's late checkpoint is refused.
            await #expect(throws: ImportJobStoreError.notRunning(job.id)) {
                try await h.store.recordImportCheckpoint(
                    ImportJobCheckpoint(
                        jobId: job.id,
                        progress: progress,
                        errorLines: [],
                        failedRows: [],
                        time: fixture.clock.nowMilliseconds()
                    )
                )
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aHeartbeatKeepsAJobAliveAndANodeInterruptsItsOwnLeftoversAtStart(_ kind: StoreKind) async throws {
        try await H.withCore(kind) { h, fixture in
            let before = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-a")
            let leftover = try await before.start(
                tenantId: h.tenantId,
                entityType: .device,
                dryRun: false,
                bytesTotal: 1
            )
            let live = try await before.start(tenantId: h.tenantId, entityType: .device, dryRun: false, bytesTotal: 1)
            fixture.clock.advance(by: ImportJobRegistry.staleAfterMilliseconds)
            before.release(leftover.id)
            try await before.heartbeat()
            fixture.clock.advance(by: 1)
            // The job whose heartbeat moved is alive for another node's reaper.
            let other = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-b")
            #expect(try await other.reap().map(\.id) == [leftover.id])
            #expect(try await h.store.importJob(live.id, tenantId: h.tenantId)?.status == .running)

            // A restarted node A interrupts its own earlier job at once, fresh heartbeat or not.
            let restarted = ImportJobRegistry(store: h.store, clock: fixture.clock, nodeName: "node-a")
            #expect(try await restarted.reap().isEmpty)
            #expect(try await restarted.reap(ownedHere: true).map(\.id) == [live.id])
            let stored = try #require(try await h.store.importJob(live.id, tenantId: h.tenantId))
            #expect(
                stored.failure == "interrupted: node node-a stopped; 0 rows committed (0 created, 0 updated, 0 failed)"
            )
        }
    }
}
