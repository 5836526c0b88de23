import Foundation
import MusterMQTTCodec
import MusterTestSupport
import NIOCore
import NIOPosix
import Synchronization

/// What an MQTT connection received.
enum MQTTReceived: Equatable, Sendable {
    case packet(MQTTPacket)
    /// The server closed the connection.
    case closed
}

/// A minimal MQTT 3.1.1 client over a raw TCP connection: packets it receives are decoded in the background and
/// waited for with a deadline.
struct RawMQTTClient: Sendable {
    fileprivate let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    fileprivate let inbox: Inbox

    /// Received items, in order.
    fileprivate final class Inbox: Sendable {
        let items = Mutex([MQTTReceived]())
        func append(_ item: MQTTReceived) { items.withLock { $0.append(item) } }
        func take() -> MQTTReceived? {
            items.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        }
    }

    func send(_ packet: MQTTPacket) async throws {
        var bytes = ByteBuffer()
        packet.write(to: &bytes, version: .v311)
        try await outbound.write(bytes)
    }

    /// The next packet, or `.closed`.
    /// - Throws: ``TestServerError/timedOut(_:)`` when nothing arrives within `timeout`.
    func receive(within timeout: Duration) async throws -> MQTTReceived {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let item = inbox.take() { return item }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestServerError.timedOut("an MQTT packet")
    }

    /// Sends CONNECT with `username` (a device's access token) and returns CONNACK's code.
    func connect(username: String) async throws -> MQTTReasonCode? {
        try await send(.connect(.init(protocolVersion: .v311, clientIdentifier: "", username: username)))
        guard case .packet(.connAck(let ack)) = try await receive(within: .seconds(5)) else { return nil }
        return ack.reasonCode
    }
}

/// Connects to `port` on loopback, runs `body` with the client, then closes the connection.
func withMQTTClient(port: Int, _ body: (RawMQTTClient) async throws -> Void) async throws {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    try await channel.executeThenClose { inbound, outbound in
        let inbox = RawMQTTClient.Inbox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var decoder = MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(.v311))
                var buffer = ByteBuffer()
                do {
                    for try await chunk in inbound {
                        buffer.writeImmutableBuffer(chunk)
                        while let packet = try decoder.decode(buffer: &buffer) { inbox.append(.packet(packet)) }
                    }
                } catch {}
                inbox.append(.closed)
            }
            try await body(RawMQTTClient(outbound: outbound, inbox: inbox))
            group.cancelAll()
        }
    }
}
