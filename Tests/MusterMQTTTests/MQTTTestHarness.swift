import Foundation
import Logging
import MusterCore
import MusterMQTTCodec
import MusterTestSupport
import NIOCore
import NIOPosix
import ServiceLifecycle

@testable import MusterMQTT

/// An MQTT server over the real core services and a real SQLite store, listening on a free loopback port, run in a
/// `ServiceGroup` so that tests can shut it down gracefully.
struct MQTTTestHarness: Sendable {
    let fixture: CoreFixture
    let changes: AttributeChangeHub
    let port: Int
    /// Starts the server's graceful shutdown.
    let shutdown: @Sendable () async -> Void

    /// Runs `body` against a started server, then shuts it down gracefully.
    /// - Parameter failureLimit: The provisioning limiter's failures per source (0 = off).
    static func run(
        configuration: MQTTServerConfiguration = .init(host: "127.0.0.1", port: 0), failureLimit: Int = 0,
        _ body: @Sendable (MQTTTestHarness) async throws -> Void
    ) async throws {
        let fixture = try await CoreFixture.make(failureLimit: failureLimit)
        defer { fixture.directory.remove() }
        let changes = AttributeChangeHub()
        let services = MQTTServices(
            provisioning: fixture.provisioning,
            deviceAPI: DeviceAPIService(devices: fixture.store, values: fixture.store, clock: fixture.clock),
            authenticator: DeviceAuthenticator(devices: fixture.store, profiles: fixture.store), attributeChanges: changes
        )
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "mqtt-test")
        logger.logLevel = .warning
        let server = MQTTServer(configuration: configuration, services: services, logger: logger) { _, port in announce.yield(port) }
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // The server stopped before it listened: fail, never pass a test that ran nothing.
                await group.triggerGracefulShutdown()
                throw MQTTTestHarnessError.serverStoppedBeforeListening
            }
            do {
                try await body(MQTTTestHarness(
                    fixture: fixture, changes: changes, port: port, shutdown: { await group.triggerGracefulShutdown() }
                ))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Opens a raw TCP connection speaking `version`, runs `body`, and closes it.
    func withClient<T: Sendable>(
        _ version: MQTTProtocolVersion, _ body: (inout MQTTTestClient) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var client = MQTTTestClient(version: version, iterator: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&client)
        }
    }
}

/// A minimal MQTT client over raw bytes, using the codec to write and read packets.
struct MQTTTestClient {
    let version: MQTTProtocolVersion
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer = ByteBuffer()
    private var decoder: MQTTPacketDecoder

    init(version: MQTTProtocolVersion, iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.version = version
        self.iterator = iterator
        self.outbound = outbound
        self.decoder = MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(version))
    }

    func send(_ packet: MQTTPacket) async throws {
        var bytes = ByteBuffer()
        packet.write(to: &bytes, version: version)
        try await outbound.write(bytes)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next packet, or `nil` when the server closed the connection.
    mutating func receive() async throws -> MQTTPacket? {
        while true {
            if let packet = try decoder.decode(buffer: &buffer) { return packet }
            guard let chunk = try await iterator.next() else { return nil }
            buffer.writeImmutableBuffer(chunk)
        }
    }

    /// Sends CONNECT and returns the CONNACK.
    mutating func connect(clientId: String = "", username: String? = nil, password: String? = nil) async throws -> MQTTPacket.ConnAck? {
        try await send(.connect(.init(
            protocolVersion: version, clientIdentifier: clientId, username: username, password: password.map { Array($0.utf8) }
        )))
        guard case .connAck(let ack)? = try await receive() else { return nil }
        return ack
    }
}

/// Why the harness could not run a test's body.
enum MQTTTestHarnessError: Error {
    /// The listener's port stream ended before announcing a port.
    case serverStoppedBeforeListening
}
