import NIOCore
import Synchronization

/// Bounds the new requests one client endpoint (address and port, RFC 7252's endpoint) may make per second, so that
/// one device or one script cannot take the whole listener: past the limit a request is answered 4.29 Too Many
/// Requests (RFC 8516) with Max-Age saying when to try again, without reaching a resource.
///
/// Counts in fixed one-second windows; every count is forgotten when a new window starts, so memory is bounded by
/// the endpoints seen within one second, and at most `peerLimit` of those are counted (others pass: the listener's
/// concurrency limit still bounds them). Retransmissions answered from the exchange cache are not counted.
package final class CoAPPeerRequestLimiter: Sendable {
    private struct Window: Sendable {
        var start: Int64 = 0
        var counts: [SocketAddress: Int] = [:]
    }

    private let window = Mutex(Window())
    /// The most new requests per endpoint per second; 0 = no limit.
    package let requestsPerSecond: Int
    private let peerLimit: Int

    /// - Parameters:
    ///   - requestsPerSecond: The most new requests per endpoint per second; 0 turns the limit off.
    ///   - peerLimit: The most endpoints counted within one second.
    package init(requestsPerSecond: Int, peerLimit: Int) {
        self.requestsPerSecond = max(0, requestsPerSecond)
        self.peerLimit = max(1, peerLimit)
    }

    /// Counts a new request of `peer` at `now` (milliseconds, monotonic).
    /// - Returns: `nil` when it may go on, else the whole seconds until the endpoint's next window (for Max-Age).
    package func admit(_ peer: SocketAddress, now: Int64) -> UInt32? {
        guard requestsPerSecond > 0 else { return nil }
        return window.withLock { window in
            if now - window.start >= 1000 || now < window.start {
                window.start = now
                window.counts.removeAll(keepingCapacity: true)
            }
            guard let count = window.counts[peer] else {
                if window.counts.count < peerLimit { window.counts[peer] = 1 }
                return nil
            }
            guard count < requestsPerSecond else { return 1 }
            window.counts[peer] = count + 1
            return nil
        }
    }
}
