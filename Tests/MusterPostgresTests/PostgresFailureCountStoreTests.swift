import Foundation
import Logging
import MusterCore
import MusterPostgres
import MusterTestSupport
import PostgresNIO
import Testing

/// The time the scenarios start at (a fixed clock); each scenario runs hours after the one before.
private let firstScenario: Int64 = 1_764_400_000_000
/// The rule of most tests: 5 failures a minute, then 2 minutes of cooling-off.
private let defaultLimits = FailureCounter.Limits(limit: 5, windowMilliseconds: 60_000, coolingOffMilliseconds: 120_000)

/// ``FailureCountStore`` on PostgreSQL, as several nodes see it: two stores opened on one database are two nodes
/// (each with its own pool and its own memory of blocked names), and failures counted on either add up.
///
/// One test runs every scenario on one database and one pair of nodes, one after the other (each with its own names
/// and its own time, hours after the one before): the whole test run already loads the test server, and a database
/// and two pools per scenario tipped it over.
@Suite struct PostgresFailureCountStoreTests {
    let logger = Logger(label: "failure-count-test")

    @Test func twoNodesOnOneDatabaseCountTogether() async throws {
        let url = try await PostgresTestCluster.makeDatabase()
        let a = try await PostgresStore.open(url, options: .init(poolSize: 4), timeout: .seconds(60), logger: logger)
        defer { a.close() }
        let b = try await PostgresStore.open(url, options: .init(poolSize: 4), timeout: .seconds(60), logger: logger)
        defer { b.close() }
        let scenarios: [(PostgresStore, PostgresStore, Int64) async throws -> Void] = [
            failuresSplitOverTwoNodesReachTheCoolingOffAtExactlyTheLimit,
            oneFailureCountsEveryNameOfTheAttemptAndReportsWhichLockStarted,
            aFailureAfterTheWindowStartsANewCount,
            resetForgetsTheCountAndTheCoolingOff,
            concurrentFailuresOfOneNameFromTwoNodesAllCount,
            aNodeRemembersBlockedNamesWithoutAskingTheDatabase,
            expiredRowsAreDeletedAndNamesAreCut,
            aLimiterTrustsANotRefusedReadForItsCacheTimeOnly,
        ]
        for (index, scenario) in scenarios.enumerated() {
            try await scenario(a, b, firstScenario + Int64(index) * 10_000_000)
        }
    }

    /// ``ProvisionRateLimiter/Configuration/sharedCheckCacheMilliseconds``: a node's own failures count at once, a
    /// refusal started on another node is seen within the cache time.
    private func aLimiterTrustsANotRefusedReadForItsCacheTimeOnly(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        var configuration = ProvisionRateLimiter.Configuration(failuresPerSource: 2)
        configuration.sharedCheckCacheMilliseconds = 250
        let onA = ProvisionRateLimiter(configuration: configuration, shared: a.failureCounts)
        let onB = ProvisionRateLimiter(configuration: configuration, shared: b.failureCounts)
        let source = "198.51.100.9"
        #expect(await onA.refusal(source: source, key: nil, now: start) == nil)
        await onB.recordFailure(source: source, key: "", now: start + 1)
        #expect(await onB.refusal(source: source, key: nil, now: start + 2) == nil)
        await onB.recordFailure(source: source, key: "", now: start + 3)
        #expect(await onB.refusal(source: source, key: nil, now: start + 4) != nil, "the node's own failure, at once")
        #expect(await onA.refusal(source: source, key: nil, now: start + 100) == nil, "the other node's cached read")
        #expect(await onA.refusal(source: source, key: nil, now: start + 250) != nil, "after the cache time")
    }

    private func fail(
        _ node: PostgresStore, _ name: FailureCountName, limits: FailureCounter.Limits = defaultLimits, at now: Int64
    ) async throws -> Bool {
        try await node.failureCounts.recordFailure([CountedFailure(name, limits: limits)], now: now).contains(name)
    }

    private func failuresSplitOverTwoNodesReachTheCoolingOffAtExactlyTheLimit(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        let source = FailureCountName(.provisionSource, "192.0.2.7")
        for index in 0..<4 {
            #expect(try await fail(index.isMultiple(of: 2) ? a : b, source, at: start + Int64(index)) == false)
            #expect(try await a.failureCounts.blockedUntil([source], now: start + 4).isEmpty)
            #expect(try await b.failureCounts.blockedUntil([source], now: start + 4).isEmpty)
        }
        // The fifth failure, on node A, starts the cooling-off; both nodes refuse the source until it ends.
        #expect(try await fail(a, source, at: start + 4) == true)
        let until = start + 4 + 120_000
        #expect(try await a.failureCounts.blockedUntil([source], now: start + 5) == [source: until])
        // Node B reads it from the database, in one read for several names: the same name in another scope, and
        // another name, are not blocked.
        let key = FailureCountName(.provisionKey, "192.0.2.7")
        let other = FailureCountName(.provisionSource, "192.0.2.8")
        #expect(try await b.failureCounts.blockedUntil([key, source, other], now: start + 5) == [source: until])
        #expect(try await b.failureCounts.blockedUntil([key, other], now: start + 5).isEmpty)
        #expect(try await b.failureCounts.blockedUntil([source], now: until).isEmpty)
        // A failure while cooling off moves the end on but starts nothing.
        #expect(try await fail(b, source, at: start + 10) == false)
        #expect(try await b.failureCounts.blockedUntil([key, source], now: start + 11) == [source: start + 10 + 120_000])
    }

    private func oneFailureCountsEveryNameOfTheAttemptAndReportsWhichLockStarted(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        let account = FailureCountName(.loginAccount, "admin@example.com")
        let source = FailureCountName(.loginSource, "198.51.100.1")
        let accountLimits = FailureCounter.Limits(limit: 2, windowMilliseconds: 900_000, coolingOffMilliseconds: 900_000)
        let sourceLimits = FailureCounter.Limits(limit: 3, windowMilliseconds: 900_000, coolingOffMilliseconds: 60_000)
        let both = [CountedFailure(account, limits: accountLimits), CountedFailure(source, limits: sourceLimits)]
        #expect(try await a.failureCounts.recordFailure(both, now: start).isEmpty)
        #expect(try await b.failureCounts.recordFailure(both, now: start + 1) == [account])
        #expect(try await a.failureCounts.recordFailure(both, now: start + 2) == [source])
        let blocked = try await a.failureCounts.blockedUntil([account, source], now: start + 3)
        #expect(blocked == [account: start + 2 + 900_000, source: start + 2 + 60_000])
    }

    private func aFailureAfterTheWindowStartsANewCount(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        let limits = FailureCounter.Limits(limit: 3, windowMilliseconds: 1000, coolingOffMilliseconds: 5000)
        let name = FailureCountName(.provisionKey, "key-1")
        #expect(try await fail(a, name, limits: limits, at: start) == false)
        #expect(try await fail(b, name, limits: limits, at: start + 999) == false)
        // 1000 ms after the window's first failure: a new window, whose count is 1.
        #expect(try await fail(a, name, limits: limits, at: start + 1000) == false)
        #expect(try await fail(b, name, limits: limits, at: start + 1001) == false)
        #expect(try await a.failureCounts.blockedUntil([name], now: start + 1001).isEmpty)
        #expect(try await fail(b, name, limits: limits, at: start + 1002) == true)
        #expect(try await a.failureCounts.blockedUntil([name], now: start + 1003) == [name: start + 1002 + 5000])
    }

    private func resetForgetsTheCountAndTheCoolingOff(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        let limits = FailureCounter.Limits(limit: 3, windowMilliseconds: 60_000, coolingOffMilliseconds: 60_000)
        let account = FailureCountName(.loginAccount, "user@example.com")
        _ = try await fail(a, account, limits: limits, at: start)
        _ = try await fail(b, account, limits: limits, at: start)
        try await a.failureCounts.reset(account)
        #expect(try await fail(b, account, limits: limits, at: start) == false)
        #expect(try await fail(a, account, limits: limits, at: start) == false)
        #expect(try await fail(a, account, limits: limits, at: start + 1) == true)
        try await a.failureCounts.reset(account)
        #expect(try await a.failureCounts.blockedUntil([account], now: start + 2).isEmpty)
        #expect(try await b.failureCounts.blockedUntil([account], now: start + 2).isEmpty)
    }

    private func concurrentFailuresOfOneNameFromTwoNodesAllCount(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        for (limit, name) in [(50, "at-the-limit"), (51, "below-the-limit")] {
            let limits = FailureCounter.Limits(limit: limit, windowMilliseconds: 60_000, coolingOffMilliseconds: 60_000)
            let counted = FailureCountName(.provisionSource, name)
            let started = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask { try await fail(index.isMultiple(of: 2) ? a : b, counted, limits: limits, at: start) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // 50 failures: exactly one started the cooling-off at a limit of 50, none at 51.
            #expect(started == (limit == 50 ? 1 : 0), "limit \(limit)")
            #expect(try await b.failureCounts.blockedUntil([counted], now: start + 1).isEmpty == (limit == 51))
        }
        // The 51st failure reaches the limit of 51.
        let limits = FailureCounter.Limits(limit: 51, windowMilliseconds: 60_000, coolingOffMilliseconds: 60_000)
        #expect(try await fail(a, FailureCountName(.provisionSource, "below-the-limit"), limits: limits, at: start) == true)
    }

    private func aNodeRemembersBlockedNamesWithoutAskingTheDatabase(_ a: PostgresStore, _ b: PostgresStore, _ start: Int64) async throws {
        let limits = FailureCounter.Limits(limit: 1, windowMilliseconds: 60_000, coolingOffMilliseconds: 60_000)
        let source = FailureCountName(.provisionSource, "203.0.113.9")
        #expect(try await fail(a, source, limits: limits, at: start) == true)
        // The row is gone (as if pruned): node A still refuses the name from memory until its cooling-off ends;
        // node B, which never saw it blocked, asks the database.
        try await a.client.query("DELETE FROM failure_counts", logger: logger)
        #expect(try await a.failureCounts.blockedUntil([source], now: start + 1) == [source: start + 60_000])
        #expect(try await b.failureCounts.blockedUntil([source], now: start + 1).isEmpty)
        #expect(try await a.failureCounts.blockedUntil([source], now: start + 60_000).isEmpty)
    }

    private func expiredRowsAreDeletedAndNamesAreCut(_ a: PostgresStore, _: PostgresStore, _ start: Int64) async throws {
        let limits = FailureCounter.Limits(limit: 3, windowMilliseconds: 1000, coolingOffMilliseconds: 1000)
        let long = String(repeating: "k", count: 10_000)
        #expect(FailureCountName(.provisionKey, long).name.count == FailureCountName.maximumLength)
        // Names beyond 256 characters share a count.
        _ = try await fail(a, FailureCountName(.provisionKey, long), limits: limits, at: start)
        _ = try await fail(a, FailureCountName(.provisionKey, long + "other"), limits: limits, at: start + 1)
        #expect(try await fail(a, FailureCountName(.provisionKey, long + "third"), limits: limits, at: start + 2) == true)
        // A NUL (which PostgreSQL's text cannot hold) is counted as U+FFFD rather than refused.
        let nul = FailureCountName(.provisionKey, "nul\u{0}key")
        #expect(nul.name == "nul\u{FFFD}key")
        _ = try await fail(a, nul, limits: limits, at: start + 3)
        #expect(try await rows(a) == 2)
        // A minute after its last deletion, a node recording a failure deletes the rows whose window and
        // cooling-off have ended.
        _ = try await fail(a, FailureCountName(.provisionSource, "new"), limits: limits, at: start + 61_003)
        #expect(try await rows(a) == 1)
    }

    private func rows(_ node: PostgresStore) async throws -> Int {
        var count = 0
        for try await value in try await node.client.query("SELECT count(*) FROM failure_counts", logger: logger).decode(Int.self) {
            count = value
        }
        return count
    }
}
