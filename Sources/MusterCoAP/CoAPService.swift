import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The CoAP listener (RFC 7252 over UDP): binds one datagram socket, hands every datagram to
/// ``CoAPRouter`` in its own child task, sends the replies and the Observe notifications, and stops on
/// graceful shutdown. A malformed datagram or a failing request never stops it.
package struct CoAPService: Service {
    private let configuration: CoAPServerConfiguration
    private let router: CoAPRouter
    private let notifier: CoAPNotifier
    private let logger: Logger
    private let onBound: @Sendable (_ host: String, _ port: Int) -> Void

    /// Creates the service.
    /// - Parameters:
    ///   - configuration: Address and limits.
    ///   - router: The request handling.
    ///   - notifier: The source of Observe notifications (the router's).
    ///   - logger: The logger.
    ///   - onBound: Called once with the bound host and port.
    package init(
        configuration: CoAPServerConfiguration,
        router: CoAPRouter,
        notifier: CoAPNotifier,
        logger: Logger,
        onBound: @escaping @Sendable (_ host: String, _ port: Int) -> Void
    ) {
        self.configuration = configuration
        self.router = router
        self.notifier = notifier
        self.logger = logger
        self.onBound = onBound
    }

    package func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            // One byte more than the limit: a larger datagram arrives truncated to limit + 1 and is refused (4.13).
            .channelOption(
                .recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(capacity: configuration.maxDatagramSize + 1)
            )
            .bind(host: configuration.host, port: configuration.port)
            .flatMapThrowing { channel in
                try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                    wrappingChannelSynchronously: channel
                )
            }
            .get()
        let port = channel.channel.localAddress?.port ?? configuration.port
        logger.info("CoAP listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        onBound(configuration.host, port)
        try await withGracefulShutdownHandler {
            try await channel.executeThenClose { inbound, outbound in
                try await serve(inbound: inbound, outbound: outbound)
            }
        } onGracefulShutdown: {
            notifier.finish()
            channel.channel.close(promise: nil)
        }
        logger.info("CoAP stopped")
    }

    /// Reads datagrams until the channel closes, each handled concurrently, with notifications sent alongside.
    private func serve(
        inbound: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>,
        outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
    ) async throws {
        let inFlight = InFlightCounter(limit: configuration.maxConcurrentRequests)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await withDiscardingTaskGroup { retransmissions in
                    for await notification in notifier.notifications {
                        // Revoked devices first: a final error notification each, and the observer is gone.
                        for (key, revocation) in notifier.takeRevocations() {
                            if let envelope = router.finalDatagram(for: key, revocation: revocation) {
                                try? await outbound.write(envelope)
                            }
                        }
                        if notification.revocation != nil { continue }
                        guard let (envelope, messageID) = router.datagram(for: notification) else { continue }
                        try? await outbound.write(envelope)
                        guard configuration.confirmableNotifications else { continue }
                        retransmissions.addTask {
                            await router.retransmit(envelope, messageID: messageID) { try await outbound.write($0) }
                        }
                    }
                    retransmissions.cancelAll()
                }
            }
            do {
                for try await envelope in inbound {
                    guard inFlight.enter() else { continue }  // overloaded: drop; the client retransmits
                    group.addTask {
                        defer { inFlight.leave() }
                        let reply = await router.handle(envelope.data, from: envelope.remoteAddress)
                        if let reply {
                            try? await outbound.write(
                                AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: reply)
                            )
                        }
                    }
                }
            } catch {
                logger.debug("CoAP socket read ended", metadata: ["error": "\(error)"])
            }
            notifier.finish()
        }
    }
}

/// Counts datagrams being handled, to drop new ones past a limit instead of queuing without bound.
private final class InFlightCounter: Sendable {
    private let count = Atomic<Int>(0)
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot; `false` when all are taken.
    func enter() -> Bool {
        let (after, _) = count.add(1, ordering: .relaxed)
        if after > limit {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives a slot back.
    func leave() {
        count.subtract(1, ordering: .relaxed)
    }
}
