import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

/// How a bulk import shares SQLite's single writer with the writes someone waits for: small, paced batches while
/// those come, full batches alone (`scripts/bench-import.sh` measures the effect on provisioning latency).
@Suite struct SQLiteStoreWriterSharingTests {
    @Test func importBatchesAreSmallWhileProvisioningsOrDeviceWritesComeAndFullAlone() async throws {
        // Long enough that a write slowed by a loaded machine still finds its demand recent when it returns.
        let window = Duration.seconds(2)
        try await withStore(.init(contendedImportBatchSize: 16, contendedImportWindow: window)) { store in
            #expect(store.importBatchLimit == nil)
            let profile = try await store.seedProfile(key: "pk")
            try await Task.sleep(for: window + .milliseconds(500))
            #expect(store.importBatchLimit == nil)
            let plan = Make.plan("device-1", profile: profile)
            #expect(try await store.createProvisionedDevice(plan) == .created)
            #expect(store.importBatchLimit == 16)
            try await Task.sleep(for: window + .milliseconds(500))
            #expect(store.importBatchLimit == nil)
            try await store.saveTimeseries(entityId: plan.device.id, [TimeseriesPoint(key: "t", ts: 1, value: .long(1))])
            #expect(store.importBatchLimit == 16)
        }
    }

    @Test func demandExpiresAfterItsWindow() async throws {
        let demand = WriterDemand(window: .seconds(1))
        #expect(!demand.isRecent)
        demand.note()
        #expect(demand.isRecent)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!demand.isRecent)
    }

    @Test func anImportBatchRestsForItsShareOnlyWhileOtherWritesCome() async throws {
        let demand = WriterDemand(window: .seconds(60), importShare: 0.25)
        #expect(demand.importRest == .zero)
        // A batch that holds the writer for at least 40 ms.
        try await demand.importBatch { try await Task.sleep(for: .milliseconds(40)) }
        // Alone: no rest.
        #expect(demand.importRest == .zero)
        // While other writes come, a share of a quarter means three times the hold, at most 100 ms.
        demand.note()
        #expect(demand.importRest >= .milliseconds(100))
        #expect(demand.importRest <= .milliseconds(100))
    }
}
