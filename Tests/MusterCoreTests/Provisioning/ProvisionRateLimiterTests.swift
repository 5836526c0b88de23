import MusterCore
import Testing

@Suite struct ProvisionRateLimiterTests {
    @Test func refusesAfterThresholdAndCoolsOff() async {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 3, coolingOffMilliseconds: 60_000))
        for index in 0..<2 { await limiter.recordFailure(source: "10.0.0.1", key: "k\(index)", now: 1000) }
        #expect(await limiter.refusal(source: "10.0.0.1", key: nil, now: 1000) == nil)
        await limiter.recordFailure(source: "10.0.0.1", key: "k9", now: 1000)
        #expect(await limiter.refusal(source: "10.0.0.1", key: nil, now: 1000) == 60)
        #expect(await limiter.refusal(source: "10.0.0.2", key: nil, now: 1000) == nil)
        #expect(await limiter.refusal(source: "10.0.0.1", key: nil, now: 61_001) == nil)
    }

    @Test func windowResets() async {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 2, windowMilliseconds: 1000))
        await limiter.recordFailure(source: "a", key: "", now: 0)
        await limiter.recordFailure(source: "a", key: "", now: 1500)
        #expect(await limiter.refusal(source: "a", key: nil, now: 1500) == nil)
    }

    @Test func keyIsRefusedFromEverySource() async {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 100, failuresPerKey: 3))
        for index in 0..<3 { await limiter.recordFailure(source: "10.0.0.\(index)", key: "target", now: 0) }
        #expect(await limiter.refusal(source: "10.9.9.9", key: "target", now: 10) != nil)
        #expect(await limiter.refusal(source: "10.9.9.9", key: "other", now: 10) == nil)
    }

    @Test func zeroTurnsItOff() async {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 0))
        for _ in 0..<100 { await limiter.recordFailure(source: "a", key: "k", now: 0) }
        #expect(await limiter.refusal(source: "a", key: "k", now: 0) == nil)
    }
}
