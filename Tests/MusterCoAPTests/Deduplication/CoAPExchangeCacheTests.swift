import MusterCoAP
import NIOCore
import Testing

@Suite("Per-peer exchange cache (RFC 7252 §4.5)")
struct CoAPExchangeCacheTests {
    @Test("A new request is claimed, a duplicate in progress is ignored, an answered one replays its bytes")
    func lifecycle() {
        var cache = CoAPExchangeCache<String>(perPeerLimit: 4, peerLimit: 4, lifetime: 1000)
        #expect(cache.begin("a", messageID: 7, now: 0) == .new)
        #expect(cache.begin("a", messageID: 7, now: 1) == .inProgress)
        #expect(cache.begin("b", messageID: 7, now: 1) == .new)  // another peer, same Message ID
        cache.complete("a", messageID: 7, response: ByteBuffer(string: "reply"))
        #expect(cache.begin("a", messageID: 7, now: 2) == .answered(ByteBuffer(string: "reply")))
    }

    @Test("An exchange is forgotten after its lifetime")
    func lifetime() {
        var cache = CoAPExchangeCache<String>(perPeerLimit: 4, peerLimit: 4, lifetime: 1000)
        _ = cache.begin("a", messageID: 1, now: 0)
        cache.complete("a", messageID: 1, response: nil)
        #expect(cache.begin("a", messageID: 1, now: 999) == .answered(nil))
        #expect(cache.begin("a", messageID: 1, now: 1000) == .new)
    }

    @Test("Each peer keeps its most recent exchanges only")
    func perPeerBound() {
        var cache = CoAPExchangeCache<String>(perPeerLimit: 3, peerLimit: 4, lifetime: 1000)
        for id: UInt16 in 1...5 {
            _ = cache.begin("a", messageID: id, now: 0)
            cache.complete("a", messageID: id, response: nil)
        }
        #expect(cache.begin("a", messageID: 1, now: 0) == .new)
        #expect(cache.begin("a", messageID: 5, now: 0) == .answered(nil))
    }

    @Test("The number of peers is bounded")
    func peerBound() {
        var cache = CoAPExchangeCache<Int>(perPeerLimit: 2, peerLimit: 8, lifetime: 1000)
        for peer in 0..<100 {
            _ = cache.begin(peer, messageID: 1, now: 0)
        }
        #expect(cache.peerCount <= 8)
        #expect(cache.begin(99, messageID: 1, now: 0) == .inProgress)
    }

    @Test("An abandoned exchange is processed again")
    func abandon() {
        var cache = CoAPExchangeCache<String>(perPeerLimit: 2, peerLimit: 2, lifetime: 1000)
        _ = cache.begin("a", messageID: 9, now: 0)
        cache.abandon("a", messageID: 9)
        #expect(cache.begin("a", messageID: 9, now: 0) == .new)
    }
}
