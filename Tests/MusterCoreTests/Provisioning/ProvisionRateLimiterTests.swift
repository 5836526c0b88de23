import MusterCore
import Testing

@Suite struct ProvisionRateLimiterTests {
    @Test func refusesAfterThresholdAndCoolsOff() {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 3, coolingOffMilliseconds: 60_000))
        for index in 0..<2 { limiter.recordFailure(source: "10.0.0.1", key: "k\(index)", now: 1000) }
        #expect(limiter.refusal(source: "10.0.0.1", key: nil, now: 1000) == nil)
        limiter.recordFailure(source: "10.0.0.1", key: "k9", now: 1000)
        #expect(limiter.refusal(source: "10.0.0.1", key: nil, now: 1000) == 60)
        #expect(limiter.refusal(source: "10.0.0.2", key: nil, now: 1000) == nil)
        #expect(limiter.refusal(source: "10.0.0.1", key: nil, now: 61_001) == nil)
    }

    @Test func windowResets() {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 2, windowMilliseconds: 1000))
        limiter.recordFailure(source: "a", key: "", now: 0)
        limiter.recordFailure(source: "a", key: "", now: 1500)
        #expect(limiter.refusal(source: "a", key: nil, now: 1500) == nil)
    }

    @Test func keyIsRefusedFromEverySource() {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 100, failuresPerKey: 3))
        for index in 0..<3 { limiter.recordFailure(source: "10.0.0.\(index)", key: "target", now: 0) }
        #expect(limiter.refusal(source: "10.9.9.9", key: "target", now: 10) != nil)
        #expect(limiter.refusal(source: "10.9.9.9", key: "other", now: 10) == nil)
    }

    @Test func zeroTurnsItOff() {
        let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: 0))
        for _ in 0..<100 { limiter.recordFailure(source: "a", key: "k", now: 0) }
        #expect(limiter.refusal(source: "a", key: "k", now: 0) == nil)
    }
}
