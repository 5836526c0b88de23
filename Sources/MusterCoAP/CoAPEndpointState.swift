import MusterCoAPCodec
import NIOCore
import Synchronization

/// Where a Block1 transfer or a Block2 body belongs: the client endpoint and the resource (RFC 7959 §2.4;
/// libcoap changes the token on every block, so the token is never part of it).
package struct CoAPTransferKey: Hashable, Sendable {
    /// The client's address.
    package var peer: SocketAddress
    /// The request's Uri-Path.
    package var path: String

    /// Creates a key.
    package init(peer: SocketAddress, path: String) {
        self.peer = peer
        self.path = path
    }
}

/// A response body sent in Block2 blocks, kept with its code and Content-Format for the next blocks.
package struct CoAPStoredBody: Sendable {
    /// The response code of every block.
    package var code: CoAPCode
    /// The Content-Format of every block.
    package var contentFormat: CoAPContentFormat?
    /// The whole body.
    package var body: ByteBuffer
}

/// The mutable state of the CoAP endpoint, small and synchronous, behind one mutex: the deduplication cache,
/// Block1 transfers, recent Block2 bodies, observers and the Message ID counter.
package final class CoAPEndpointState: Sendable {
    private struct State: Sendable {
        var exchanges: CoAPExchangeCache<SocketAddress>
        var assembler: CoAPBlockAssembler<CoAPTransferKey>
        var observers: CoAPObserverRegistry
        /// Whole response bodies sent in Block2 blocks, so the next blocks are cut from the same body.
        var bodies: [CoAPTransferKey: CoAPStoredBody] = [:]
        var bodyOrder: [CoAPTransferKey] = []
        var messageID: UInt16
    }

    private let state: Mutex<State>
    /// The most Block2 bodies kept.
    private let bodyLimit: Int

    /// Creates the state for a configuration.
    /// - Parameter configuration: The limits.
    package init(configuration: CoAPServerConfiguration) {
        state = Mutex(
            State(
                exchanges: CoAPExchangeCache(
                    perPeerLimit: configuration.exchangeCacheSize,
                    peerLimit: configuration.maxPeers,
                    lifetime: configuration.exchangeLifetimeMilliseconds
                ),
                assembler: CoAPBlockAssembler(
                    configuration: .init(
                        maximumBodySize: configuration.maxBodySize,
                        maximumTransfers: configuration.maxBlockTransfers
                    )
                ),
                observers: CoAPObserverRegistry(limit: configuration.maxObservers),
                messageID: UInt16.random(in: 0...UInt16.max)
            )
        )
        bodyLimit = configuration.maxBlockTransfers
    }

    /// See ``CoAPExchangeCache/begin(_:messageID:now:)``.
    package func beginExchange(_ peer: SocketAddress, messageID: UInt16, now: Int64)
        -> CoAPExchangeCache<SocketAddress>.Lookup
    {
        state.withLock { $0.exchanges.begin(peer, messageID: messageID, now: now) }
    }

    /// See ``CoAPExchangeCache/complete(_:messageID:response:)``.
    package func completeExchange(_ peer: SocketAddress, messageID: UInt16, response: ByteBuffer?) {
        state.withLock { $0.exchanges.complete(peer, messageID: messageID, response: response) }
    }

    /// See ``CoAPExchangeCache/abandon(_:messageID:)``.
    package func abandonExchange(_ peer: SocketAddress, messageID: UInt16) {
        state.withLock { $0.exchanges.abandon(peer, messageID: messageID) }
    }

    /// Takes one Block1 block; see ``CoAPBlockAssembler/receive(_:payload:size1:for:)``.
    package func receiveBlock(
        _ block: CoAPBlockOption,
        payload: ByteBuffer,
        size1: UInt32?,
        for key: CoAPTransferKey
    ) throws(CoAPBlockAssemblyError) -> CoAPBlockAssembler<CoAPTransferKey>.Outcome {
        try state.withLock { (state: inout State) throws(CoAPBlockAssemblyError) in
            try state.assembler.receive(block, payload: payload, size1: size1, for: key)
        }
    }

    /// Keeps a response body sent in blocks, for the client's next Block2 requests.
    package func storeBody(_ body: CoAPStoredBody, for key: CoAPTransferKey) {
        state.withLock { state in
            if state.bodies.updateValue(body, forKey: key) == nil { state.bodyOrder.append(key) }
            while state.bodyOrder.count > bodyLimit {
                state.bodies[state.bodyOrder.removeFirst()] = nil
            }
        }
    }

    /// The body kept for `key`, if any.
    package func body(for key: CoAPTransferKey) -> CoAPStoredBody? {
        state.withLock { $0.bodies[key] }
    }

    /// A fresh Message ID for a NON response or a notification.
    package func nextMessageID() -> UInt16 {
        state.withLock { state in
            state.messageID &+= 1
            return state.messageID
        }
    }

    /// Runs `body` on the observer registry.
    package func withObservers<Result>(_ body: (inout CoAPObserverRegistry) -> Result) -> Result {
        state.withLock { body(&$0.observers) }
    }
}
