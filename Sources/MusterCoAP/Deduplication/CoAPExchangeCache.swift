import NIOCore

/// Remembers recent requests per peer by Message ID, so that a retransmitted request is answered from memory
/// and never processed twice (RFC 7252 §4.5).
///
/// A value type with no clock and no lock: ``CoAPExchangeState`` holds it under a mutex and passes the time in.
/// Memory is bounded twice: at most ``perPeerLimit`` exchanges per peer (the oldest forgotten first) and at most
/// ``peerLimit`` peers (the least recently seen forgotten first). An exchange older than ``lifetime`` counts as
/// unknown.
package struct CoAPExchangeCache<Peer: Hashable & Sendable>: Sendable {
    /// What the cache knows about a request.
    package enum Lookup: Equatable, Sendable {
        /// Never seen (or forgotten): the caller now owns it and must call ``complete(_:messageID:response:now:)``.
        case new
        /// Seen and still being processed: ignore the duplicate (RFC 7252 §4.5).
        case inProgress
        /// Seen and answered: send these bytes again (`nil` when the request got no answer).
        case answered(ByteBuffer?)
    }

    private enum Entry: Sendable {
        case inProgress
        case answered(ByteBuffer?)
    }

    private struct Exchange: Sendable {
        var entry: Entry
        var createdAt: Int64
    }

    private struct PeerExchanges: Sendable {
        var exchanges: [UInt16: Exchange] = [:]
        /// Message IDs in arrival order, for eviction; may hold IDs already replaced.
        var order: [UInt16] = []
        var orderStart = 0
        var lastSeen: UInt64 = 0
    }

    /// The most exchanges remembered per peer.
    package let perPeerLimit: Int
    /// The most peers remembered.
    package let peerLimit: Int
    /// How long an exchange is remembered, in milliseconds.
    package let lifetime: Int64
    private var peers: [Peer: PeerExchanges] = [:]
    private var useCounter: UInt64 = 0

    /// Creates an empty cache.
    /// - Parameters:
    ///   - perPeerLimit: The most exchanges per peer.
    ///   - peerLimit: The most peers.
    ///   - lifetime: How long an exchange is remembered, in milliseconds.
    package init(perPeerLimit: Int, peerLimit: Int, lifetime: Int64) {
        precondition(perPeerLimit > 0 && peerLimit > 0, "the exchange cache must hold at least one exchange")
        self.perPeerLimit = perPeerLimit
        self.peerLimit = peerLimit
        self.lifetime = lifetime
    }

    /// The number of peers remembered.
    package var peerCount: Int { peers.count }

    /// Looks a request up, and claims it when it is new.
    /// - Parameters:
    ///   - peer: The sender.
    ///   - messageID: The request's Message ID.
    ///   - now: The time in milliseconds.
    /// - Returns: ``Lookup/new`` (now claimed as in progress), ``Lookup/inProgress`` or the cached answer.
    package mutating func begin(_ peer: Peer, messageID: UInt16, now: Int64) -> Lookup {
        useCounter += 1
        if var known = peers[peer] {
            known.lastSeen = useCounter
            if let exchange = known.exchanges[messageID], now - exchange.createdAt < lifetime {
                peers[peer] = known
                switch exchange.entry {
                case .inProgress: return .inProgress
                case .answered(let bytes): return .answered(bytes)
                }
            }
            insert(messageID, into: &known, now: now)
            peers[peer] = known
            return .new
        }
        makeRoomForPeer()
        var fresh = PeerExchanges()
        fresh.lastSeen = useCounter
        insert(messageID, into: &fresh, now: now)
        peers[peer] = fresh
        return .new
    }

    /// Records the answer of a request claimed by ``begin(_:messageID:now:)``.
    /// - Parameters:
    ///   - peer: The sender.
    ///   - messageID: The request's Message ID.
    ///   - response: The datagram sent back, or `nil` when none was sent.
    package mutating func complete(_ peer: Peer, messageID: UInt16, response: ByteBuffer?) {
        guard peers[peer]?.exchanges[messageID] != nil else { return }
        peers[peer]?.exchanges[messageID]?.entry = .answered(response)
    }

    /// Forgets a claimed request, so that a retransmission is processed (used when processing was abandoned).
    /// - Parameters:
    ///   - peer: The sender.
    ///   - messageID: The request's Message ID.
    package mutating func abandon(_ peer: Peer, messageID: UInt16) {
        peers[peer]?.exchanges[messageID] = nil
    }

    private mutating func insert(_ messageID: UInt16, into known: inout PeerExchanges, now: Int64) {
        let replacing = known.exchanges[messageID] != nil
        known.exchanges[messageID] = Exchange(entry: .inProgress, createdAt: now)
        if !replacing { known.order.append(messageID) }
        while known.exchanges.count > perPeerLimit, known.orderStart < known.order.count {
            let oldest = known.order[known.orderStart]
            known.orderStart += 1
            if oldest != messageID { known.exchanges[oldest] = nil }
        }
        if known.orderStart > 64, known.orderStart * 2 > known.order.count {
            known.order.removeFirst(known.orderStart)
            known.orderStart = 0
        }
    }

    private mutating func makeRoomForPeer() {
        guard peers.count >= peerLimit else { return }
        // Forget the least recently seen eighth at once, so eviction stays amortised O(1) per new peer.
        let victims = peers.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(max(1, peerLimit / 8))
        for (peer, _) in victims { peers[peer] = nil }
    }
}
