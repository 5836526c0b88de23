import Logging
import MusterCore
import MusterMQTTCodec
import NIOCore
import NIOPosix
import ServiceLifecycle

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
        let sessions = MQTTSessionRegistry()
        let unauthenticated = MQTTConnectionSlots(limit: configuration.maximumUnauthenticatedSessions)
        let connections = MQTTConnectionSlots(limit: configuration.maximumConnections)
        let configuration = self.configuration
        let services = self.services
        let clock = self.clock
        let logger = self.logger
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let (admitted, refused) = connections.enterCountingRefusals()
                guard admitted else {
                    if refused == 1 {
                        logger.warning(
                            "mqtt: the listener holds its maximum of connections; new ones are closed",
                            metadata: ["maxConnections": "\(configuration.maximumConnections)"])
                    }
                    return channel.close()
                }
                if refused > 0 {
                    logger.notice("mqtt: accepting connections again", metadata: ["refused": "\(refused)"])
                }
                channel.closeFuture.whenComplete { _ in connections.leave() }
                return channel.eventLoop.makeCompletedFuture {
                    let peer = tls.map { _ in PeerCertificates() }
                    if let tls, let peer { try channel.pipeline.syncOperations.addHandler(tls.makeHandler(recordingInto: peer)) }
                    let version = MQTTConnectionVersion()
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(MQTTPacketDecoder(maximumPacketSize: maximumPacketSize, connectionVersion: version))
                    )
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTPacketEncoder(connectionVersion: version)))
                    try channel.pipeline.syncOperations.addHandler(MQTTSessionHandler(
                        configuration: configuration, services: services, clock: clock, logger: logger, sessions: sessions, peer: peer,
                        unauthenticated: unauthenticated
                    ))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = server.localAddress?.port ?? configuration.port
        logger.info(tls == nil ? "mqtt listening" : "mqtt tls listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        onListening(configuration.host, port)

        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await server.closeFuture.get()
                await sessions.waitUntilEmpty()
            } onGracefulShutdown: {
                sessions.quiesceAll()
                server.close(promise: nil)
            }
        } onCancel: {
            sessions.quiesceAll()
            server.close(promise: nil)
        }
    }
}
