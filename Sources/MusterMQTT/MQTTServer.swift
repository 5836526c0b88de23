import Logging
import MusterCore
import MusterMQTTCodec
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// An MQTT listener, plain TCP or TLS: a `ServerBootstrap` on NIO's singleton event loop group, one task per
/// connection, run as a ServiceLifecycle `Service`. On graceful shutdown it stops accepting, tells every session to
/// quiesce (MQTT 5 DISCONNECT 0x8B) and returns once they have closed.
package struct MQTTServer: Service {
    private let configuration: MQTTServerConfiguration
    private let tls: MQTTServerTLS?
    private let services: MQTTServices
    private let clock: any WallClock
    private let logger: Logger
    private let onListening: @Sendable (_ host: String, _ port: Int) -> Void

    /// - Parameters:
    ///   - configuration: The listener's settings; it binds `configuration.port`.
    ///   - tls: TLS for this listener; `nil` serves plain TCP.
    ///   - onListening: Called once bound, with the bound host and port (the real port when `port` is 0).
    package init(
        configuration: MQTTServerConfiguration, tls: MQTTServerTLS? = nil, services: MQTTServices, clock: any WallClock = SystemWallClock(),
        logger: Logger, onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.tls = tls
        self.services = services
        self.clock = clock
        self.logger = logger
        self.onListening = onListening
    }

    package func run() async throws {
        let maximumPacketSize = configuration.maximumPacketSize
        let tls = self.tls
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let peer = tls.map { _ in PeerCertificates() }
                    if let tls, let peer { try channel.pipeline.syncOperations.addHandler(tls.makeHandler(recordingInto: peer)) }
                    let version = MQTTConnectionVersion()
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(MQTTPacketDecoder(maximumPacketSize: maximumPacketSize, connectionVersion: version))
                    )
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTPacketEncoder(connectionVersion: version)))
                    return MQTTConnection(channel: try NIOAsyncChannel(wrappingChannelSynchronously: channel), peer: peer)
                }
            }
        let port = server.channel.localAddress?.port ?? configuration.port
        logger.info(tls == nil ? "mqtt listening" : "mqtt tls listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        onListening(configuration.host, port)

        let sessions = SessionRegistry()
        let handler = MQTTSessionHandler(configuration: configuration, services: services, clock: clock, logger: logger)
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        let (events, continuation) = AsyncStream.makeStream(of: MQTTSessionHandler.Event.self)
                        guard let id = sessions.add(continuation) else {
                            continuation.finish()
                            try? await connection.channel.channel.close()
                            continue
                        }
                        group.addTask {
                            await handler.handle(connection.channel, events: events, continuation: continuation, peer: connection.peer)
                            sessions.remove(id)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
            sessions.quiesceAll()
        }
    }
}

/// One accepted connection: its packet channel, and on TLS where the handshake leaves the client's certificates.
private struct MQTTConnection: Sendable {
    let channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>
    let peer: PeerCertificates?
}

/// The live sessions' event continuations, so that shutdown can reach each of them.
private final class SessionRegistry: Sendable {
    private struct State {
        var shuttingDown = false
        var nextId = 0
        var sessions: [Int: AsyncStream<MQTTSessionHandler.Event>.Continuation] = [:]
    }

    private let state = Mutex(State())

    /// Registers a session; `nil` once shutdown has begun.
    func add(_ continuation: AsyncStream<MQTTSessionHandler.Event>.Continuation) -> Int? {
        state.withLock { state in
            guard !state.shuttingDown else { return nil }
            state.nextId += 1
            state.sessions[state.nextId] = continuation
            return state.nextId
        }
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.sessions.removeValue(forKey: id) }
    }

    /// Tells every session to quiesce, and refuses new ones.
    func quiesceAll() {
        let current = state.withLock { state in
            state.shuttingDown = true
            return Array(state.sessions.values)
        }
        for continuation in current { continuation.yield(.quiesce) }
    }
}
