import Foundation
import Logging
import MusterCore
import MusterPostgres
import MusterTestSupport
import PostgresNIO
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
        let storeA = try await PostgresStore.open(url, options: options, timeout: .seconds(60), logger: logger)
        defer { storeA.close() }
        let storeB = try await PostgresStore.open(url, options: options, timeout: .seconds(60), logger: logger)
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

    /// Two buses, `a` and `b`, on one new database, both listening while `body` runs; `b`'s dispatcher delivers
    /// revocations to `hubB`.
    private func withTwoNodes(
        hubB: DeviceSessionHub = DeviceSessionHub(), acknowledgementTimeout: Duration = .seconds(2),
        logsA: WarningRecorder? = nil, _ body: @Sendable (_ url: PostgresDatabaseURL, _ a: PostgresClusterEventBus, _ b: PostgresClusterEventBus) async throws -> Void
    ) async throws {
        let url = try await PostgresTestCluster.makeDatabase()
        var logger = Logger(label: "cluster-test")
        logger.logLevel = .error
        let options = PostgresStoreOptions(poolSize: 2)
        let storeA = try await PostgresStore.open(url, options: options, timeout: .seconds(60), logger: logger)
        defer { storeA.close() }
        let storeB = try await PostgresStore.open(url, options: options, timeout: .seconds(60), logger: logger)
        defer { storeB.close() }
        var loggerA = logger
        if let logsA {
            loggerA = Logger(label: "cluster-test-a") { _ in logsA }
            loggerA.logLevel = .warning
        }
        let busA = try PostgresClusterEventBus(
            store: storeA, options: options, nodeName: "a", dispatcher: ClusterEventDispatcher(sessions: DeviceSessionHub()),
            acknowledgementTimeout: acknowledgementTimeout, logger: loggerA)
        let busB = try PostgresClusterEventBus(
            store: storeB, options: options, nodeName: "b", dispatcher: ClusterEventDispatcher(sessions: hubB), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await busA.run() }
            group.addTask { await busB.run() }
            try await waitUntil("both nodes listening") { busA.isSynchronized && busB.isSynchronized }
            try await body(url, busA, busB)
            group.cancelAll()
        }
    }

    @Test func publishReturnsOnlyAfterTheOtherListeningNodeAppliedTheEvent() async throws {
        let hubB = DeviceSessionHub()
        let device = UUID()
        let heardB = Count()
        // B's delivery is slow (a subscriber that takes 300 ms): A's publish must wait for it.
        _ = hubB.subscribe(deviceId: device) { _ in
            Thread.sleep(forTimeInterval: 0.3)
            heardB.add()
        }
        // A bound far beyond B's 300 ms, so that returning by the bound cannot pass for returning on B's answer.
        try await withTwoNodes(hubB: hubB, acknowledgementTimeout: .seconds(10)) { _, busA, _ in
            let clock = ContinuousClock()
            let started = clock.now
            await busA.publish(revocation(device))
            let elapsed = clock.now - started
            #expect(heardB.current == 1, "publish returned before B applied the event")
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .seconds(5), "publish waited for its bound instead of B's acknowledgement: \(elapsed)")
        }
    }

    @Test func aBatchOfEventsIsAppliedWholeOnTheOtherNodeBeforePublishReturns() async throws {
        let hubB = DeviceSessionHub()
        let devices = (0..<50).map { _ in UUID() }
        let heardB = Count()
        // 5 ms per delivery on B: the batch takes B a quarter of a second; only its last payload asks for an answer.
        for device in devices {
            _ = hubB.subscribe(deviceId: device) { _ in
                Thread.sleep(forTimeInterval: 0.005)
                heardB.add()
            }
        }
        try await withTwoNodes(hubB: hubB) { _, busA, _ in
            await busA.publish(devices.map(revocation))
            // Every event of the batch was applied on B before publish returned.
            #expect(heardB.current == devices.count)
        }
    }

    @Test func aListeningNodeThatNeverAcknowledgesDelaysPublishByTheBoundAndIsNamed() async throws {
        let bound = Duration.seconds(2)
        let warnings = WarningRecorder()
        try await withTwoNodes(acknowledgementTimeout: bound, logsA: warnings) { url, busA, busB in
            // A listener that hears everything and never answers (a node stuck, or whose death PostgreSQL has not
            // noticed yet).
            var logger = Logger(label: "dead-listener")
            logger.logLevel = .error
            var configuration = try url.connectionConfiguration(PostgresStoreOptions())
            configuration.options.additionalStartupParameters.append(("application_name", "muster-listen #dead"))
            let dead = try await PostgresConnection.connect(configuration: configuration, id: 99, logger: logger)
            do {
                let clock = ContinuousClock()
                let elapsed = try await dead.listen(on: PostgresClusterEventBus.channel) { _ in
                    let started = clock.now
                    await busA.publish(revocation(UUID()))
                    return clock.now - started
                }
                #expect(elapsed >= bound, "publish did not wait for the silent listener: \(elapsed)")
                // Generous: the test process is busy when the whole suite runs.
                #expect(elapsed < bound + .seconds(5), "publish waited past its bound: \(elapsed)")
                try await dead.close()
            } catch {
                try? await dead.close()
                throw error
            }
            // The silent listener is named, and only it: B answered.
            let silent = warnings.messages.filter { $0.message == "cluster events: nodes did not acknowledge a change in time" }
            #expect(silent.map(\.nodes) == [#"["dead"]"#], "\(warnings.messages), B is \(busB.instance)")
        }
    }

    @Test func aNodesListeningConnectionIsNamedAfterTheNodeAndTheProcess() {
        #expect(PostgresClusterEventBus.applicationName(nodeName: nil, instance: "abcd1234") == "muster-listen #abcd1234")
        #expect(PostgresClusterEventBus.applicationName(nodeName: "", instance: "abcd1234") == "muster-listen #abcd1234")
        #expect(PostgresClusterEventBus.applicationName(nodeName: "eu-1", instance: "abcd1234") == "muster-listen eu-1 #abcd1234")
        // PostgreSQL keeps 63 bytes of printable ASCII: the name is cut and cleaned so that the instance id stays.
        let long = PostgresClusterEventBus.applicationName(nodeName: String(repeating: "é", count: 80), instance: "abcd1234")
        #expect(long.utf8.count == 63)
        #expect(long.hasPrefix("muster-listen ???"))
        #expect(long.hasSuffix(" #abcd1234"))
    }
}

/// Keeps the warnings a logger receives (message, and its `nodes` metadata).
final class WarningRecorder: LogHandler, Sendable {
    private let recorded = Mutex<[(message: String, nodes: String?)]>([])
    var messages: [(message: String, nodes: String?)] { recorded.withLock { $0 } }

    var logLevel: Logger.Level {
        get { .warning }
        set {}
    }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        guard event.level >= .warning else { return }
        recorded.withLock { $0.append((event.message.description, event.metadata?["nodes"]?.description)) }
    }
}
