import Foundation
import MusterCore
import MusterTestSupport
import Testing

@Suite struct LoginRateLimiterTests {
    private static let limits = LoginRateLimiter.Configuration(
        failuresPerAccount: 3, failuresPerSource: 5, windowMilliseconds: 60_000, coolingOffMilliseconds: 120_000)

    @Test func accountLocksAtTheLimitCaseFoldedAndOpensAfterTheCoolingOff() async {
        let limiter = LoginRateLimiter(configuration: Self.limits)
        let now: Int64 = 1_000_000
        #expect(await limiter.recordFailure(account: "Admin@Example.com", source: "a", now: now).isEmpty)
        #expect(await limiter.recordFailure(account: "admin@example.com", source: "b", now: now + 1).isEmpty)
        #expect(await limiter.refusal(account: "admin@example.com", source: "c", now: now + 2) == nil)
        #expect(await limiter.recordFailure(account: "ADMIN@EXAMPLE.COM", source: "c", now: now + 2) == [.account])
        let refusal = await limiter.refusal(account: "admin@EXAMPLE.com", source: "d", now: now + 2)
        #expect(refusal == .init(scope: .account, retryAfterSeconds: 120))
        #expect(await limiter.refusal(account: "other@example.com", source: "d", now: now + 2) == nil)
        #expect(await limiter.refusal(account: "admin@example.com", source: "d", now: now + 2 + 119_001)?.retryAfterSeconds == 1)
        #expect(await limiter.refusal(account: "admin@example.com", source: "d", now: now + 2 + 120_000) == nil)
    }

    @Test func failuresOutsideTheWindowDoNotAddUp() async {
        let limiter = LoginRateLimiter(configuration: Self.limits)
        var now: Int64 = 1_000_000
        for _ in 0..<10 {
            #expect(await limiter.recordFailure(account: "slow@example.com", source: "s", now: now).isEmpty)
            now += 30_001
        }
        #expect(await limiter.refusal(account: "slow@example.com", source: "s", now: now) == nil)
    }

    @Test func sourceLocksAcrossAccountsAndSuccessResetsOnlyItsOwnAccount() async {
        let limiter = LoginRateLimiter(configuration: Self.limits)
        let now: Int64 = 5_000_000
        for index in 0..<4 {
            #expect(await limiter.recordFailure(account: "user\(index)@example.com", source: "10.0.0.9", now: now).isEmpty)
            // A successful login from the same source (an attacker's own account) resets that account only.
            await limiter.recordSuccess(account: "mine@example.com")
        }
        #expect(await limiter.recordFailure(account: "user9@example.com", source: "10.0.0.9", now: now) == [.source])
        #expect(await limiter.refusal(account: "mine@example.com", source: "10.0.0.9", now: now)?.scope == .source)
        #expect(await limiter.refusal(account: "mine@example.com", source: "10.0.0.10", now: now) == nil)

        _ = await limiter.recordFailure(account: "reset@example.com", source: "x", now: now)
        _ = await limiter.recordFailure(account: "reset@example.com", source: "y", now: now)
        await limiter.recordSuccess(account: "Reset@example.com")
        #expect(await limiter.recordFailure(account: "reset@example.com", source: "z", now: now).isEmpty)
        #expect(await limiter.recordFailure(account: "reset@example.com", source: "z", now: now).isEmpty)
        #expect(await limiter.recordFailure(account: "reset@example.com", source: "z", now: now) == [.account])
    }

    @Test func accountKeysAreCaseFoldedAndBounded() {
        #expect(LoginRateLimiter.accountKey("Admin@Example.COM") == "admin@example.com")
        #expect(LoginRateLimiter.accountKey(String(repeating: "A", count: 100_000)) == String(repeating: "a", count: 256))
    }

    @Test func zeroTurnsTheLimiterOff() async {
        let limiter = LoginRateLimiter(configuration: .off)
        for _ in 0..<100 { #expect(await limiter.recordFailure(account: "a@example.com", source: "s", now: 1).isEmpty) }
        #expect(await limiter.refusal(account: "a@example.com", source: "s", now: 1) == nil)
    }

    @Test func trackedNamesAreBounded() {
        let counter = FailureCounter(limits: .init(limit: 1, windowMilliseconds: 1000, coolingOffMilliseconds: 1000, maxTracked: 2))
        #expect(counter.recordFailure("a", now: 0))
        #expect(counter.recordFailure("b", now: 0))
        // Both tracked names are cooling off: a third is not counted rather than growing the table.
        #expect(!counter.recordFailure("c", now: 10))
        #expect(counter.blockedUntil("c", now: 10) == nil)
        // Once they are no longer cooling off they are forgotten to make room.
        #expect(counter.recordFailure("c", now: 1000))
        #expect(counter.blockedUntil("c", now: 1000) == 2000)
    }
}
