import Foundation
import MusterCoAP
import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Observer registry (RFC 7641)")
struct CoAPObserverRegistryTests {
    static func key(_ port: Int, _ token: UInt8) throws -> CoAPObserverKey {
        CoAPObserverKey(peer: try SocketAddress(ipAddress: "127.0.0.1", port: port), token: CoAPToken(bytes: [token])!)
    }

    static func observer(_ key: CoAPObserverKey) -> CoAPObserver {
        CoAPObserver(key: key, deviceId: UUID(), sharedKeys: nil, subscription: UUID())
    }

    @Test("Registering twice with one token replaces; the registry is bounded")
    func registerAndBound() throws {
        var registry = CoAPObserverRegistry(limit: 2)
        let first = Self.observer(try Self.key(1, 1))
        #expect(registry.register(first).added)
        let again = registry.register(Self.observer(try Self.key(1, 1)))
        #expect(again.added && again.replaced?.subscription == first.subscription)
        #expect(registry.register(Self.observer(try Self.key(2, 1))).added)
        #expect(!registry.register(Self.observer(try Self.key(3, 1))).added)
        #expect(registry.count == 2)
    }

    @Test("Observe numbers increase")
    func sequence() {
        var registry = CoAPObserverRegistry(limit: 1)
        let first = registry.nextSequence()
        let second = registry.nextSequence()
        #expect(second > first)
    }

    @Test("A Reset answering a notification deregisters its observer, only from that peer")
    func resetDeregisters() throws {
        var registry = CoAPObserverRegistry(limit: 4)
        let key = try Self.key(1, 5)
        _ = registry.register(Self.observer(key))
        registry.noteNotification(42, to: key)
        #expect(registry.deregister(resetOf: 42, from: try SocketAddress(ipAddress: "127.0.0.1", port: 2)) == nil)
        #expect(registry.deregister(resetOf: 42, from: key.peer)?.key == key)
        #expect(registry.count == 0)
    }
}

@Suite("Observer registry: confirmable notifications")
struct CoAPObserverRegistryAcknowledgementTests {
    @Test("An ACK stops retransmission; an unacknowledged notification expires its observer")
    func acknowledgement() throws {
        var registry = CoAPObserverRegistry(limit: 4)
        let key = try CoAPObserverRegistryTests.key(1, 1)
        _ = registry.register(CoAPObserverRegistryTests.observer(key))
        registry.noteNotification(10, to: key, confirmable: true)
        registry.noteNotification(11, to: key, confirmable: true)
        #expect(registry.awaitsAcknowledgement(10))
        registry.acknowledge(10, from: key.peer)
        #expect(!registry.awaitsAcknowledgement(10))
        #expect(registry.expire(10) == nil)
        #expect(registry.expire(11)?.key == key)
        #expect(registry.count == 0)
    }
}
