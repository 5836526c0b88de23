import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

/// How a bulk import shares SQLite's single writer with the writes someone waits for: small, paced batches while
/// those come, full batches alone (`scripts/bench-import.sh` measures the effect on provisioning latency).
@Suite struct SQLiteStoreWriterSharingTests {
    @Test func importBatchesAreSmallWhileProvisioningsOrDeviceWritesComeAndFullAlone() async throws {
        let window = Duration.milliseconds(100)
        try await withStore(.init(contendedImportBatchSize: 16, contendedImportWindow: window)) { store in
            #expect(store.importBatchLimit == nil)
            let profile = try await store.seedProfile(key: "pk")
            try await Task.sleep(for: window * 2)
            #expect(store.importBatchLimit == nil)
            let plan = Make.plan("device-1", profile: profile)
            #expect(try await store.createProvisionedDevice(plan) == .created)
            #expect(store.importBatchLimit == 16)
            try await Task.sleep(for: window * 2)
            #expect(store.importBatchLimit == nil)
            try await store.saveTimeseries(entityId: plan.device.id, [TimeseriesPoint(key: "t", ts: 1, value: .long(1))])
            #expect(store.importBatchLimit == 16)
        }
    }

    @Test func demandExpiresAfterItsWindow() async throws {
        let demand = WriterDemand(window: .milliseconds(50))
        #expect(!demand.isRecent)
        demand.note()
        #expect(demand.isRecent)
        try await Task.sleep(for: .milliseconds(120))
        #expect(!demand.isRecent)
    }

    @Test func anImportBatchRestsForItsShareOnlyWhileOtherWritesCome() async throws {
        let demand = WriterDemand(window: .seconds(60), importShare: 0.5)
        var started = ContinuousClock.now
        // Alone: after a 40 ms batch the next one starts at once.
        try await demand.importBatch { try await Task.sleep(for: .milliseconds(40)) }
        var called = ContinuousClock.now
        try await demand.importBatch { started = .now }
        #expect(started - called < .milliseconds(40))
        // Contended, after a batch that held the writer for almost no time: almost no rest.
        demand.note()
        try await demand.importBatch { try await Task.sleep(for: .milliseconds(40)) }
        // After a 40 ms batch, a share of one half means at least 40 ms of rest first.
        demand.note()
        called = .now
        try await demand.importBatch { started = .now }
        #expect(started - called >= .milliseconds(39))
    }
}
