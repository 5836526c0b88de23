import Foundation
import Logging
import MusterCore
import MusterPostgres
import MusterTestSupport
import Synchronization
import Testing

/// Two nodes' buses on one database (real `NOTIFY`/`LISTEN`), each with its own session hub behind its dispatcher.
@Suite struct PostgresClusterEventBusTests {
    /// Counts the revocations a subscriber hears.
    private final class Count: Sendable {
        private let value = Atomic<Int>(0)
        var current: Int { value.load(ordering: .relaxed) }
        func add() { value.add(1, ordering: .relaxed) }
    }

    private func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<200 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestServerError.timedOut(what)
    }

    private func revocation(_ device: UUID) -> ClusterEvent {
        .deviceRevoked(DeviceSessionRevocation(deviceId: device, tenantId: UUID(), deviceName: "d", reason: .deviceDeleted))
    }

    @Test func aRevocationReachesEveryNodeOnceItsPublisherIncluded() async throws {
        let url = try await PostgresTestCluster.makeDatabase()
        var logger = Logger(label: "cluster-test")
        logger.logLevel = .warning
        let options = PostgresStoreOptions(poolSize: 2)
        let storeA = try await PostgresStore.open(url, options: options, logger: logger)
        defer { storeA.close() }
        let storeB = try await PostgresStore.open(url, options: options, logger: logger)
        defer { storeB.close() }
        let hubA = DeviceSessionHub()
        let hubB = DeviceSessionHub()
        let busA = try PostgresClusterEventBus(
            store: storeA, options: options, nodeName: "a", dispatcher: ClusterEventDispatcher(sessions: hubA), logger: logger)
        let busB = try PostgresClusterEventBus(
            store: storeB, options: options, nodeName: "b", dispatcher: ClusterEventDispatcher(sessions: hubB), logger: logger)
        let device = UUID()
        let marker = UUID()
        let (heardA, heardB, markerB) = (Count(), Count(), Count())
        _ = hubA.subscribe(deviceId: device) { _ in heardA.add() }
        _ = hubB.subscribe(deviceId: device) { _ in heardB.add() }
        _ = hubB.subscribe(deviceId: marker) { _ in markerB.add() }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await busA.run() }
            group.addTask { await busB.run() }
            try await waitUntil("both nodes listening") { busA.isSynchronized && busB.isSynchronized }

            await busA.publish(revocation(device))
            // Applied on the publishing node before publish returned.
            #expect(heardA.current == 1)
            // A second event reaches B after the first (one channel, in commit order): once B has it, B has had every
            // copy of the first; and A's publish waited for its own echo of it, which A must not apply again.
            await busA.publish(revocation(marker))
            try await waitUntil("the marker on B") { markerB.current == 1 }
            #expect(heardA.current == 1)
            #expect(heardB.current == 1)
            group.cancelAll()
        }
    }

    @Test func aNodesListeningConnectionIsNamedAfterTheNode() {
        #expect(PostgresClusterEventBus.applicationName(nodeName: nil) == "muster-listen")
        #expect(PostgresClusterEventBus.applicationName(nodeName: "") == "muster-listen")
        #expect(PostgresClusterEventBus.applicationName(nodeName: "eu-1") == "muster-listen eu-1")
    }
}
