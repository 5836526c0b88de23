import Foundation
import Logging
import MusterCore
import MusterMQTTCodec
import NIOCore

/// Runs one MQTT connection: funnels packets, decode errors, timer ticks, attribute changes and shutdown into one
/// event stream, feeds each to the ``StateMachine`` and performs the ``Action``s it returns, awaiting the core's
/// services where an action asks for them.
struct MQTTSessionHandler: Sendable {
    /// Everything that can happen to a connection.
    enum Event: Sendable {
        case packet(MQTTPacket)
        case decodeFailed(MQTTDecodeError)
        case inboundClosed
        case tick
        case attributesChanged([Attribute])
        case quiesce
    }

    let configuration: MQTTServerConfiguration
    let services: MQTTServices
    let clock: any WallClock
    let logger: Logger

    /// Serves `channel` until either side closes it.
    /// - Parameters:
    ///   - channel: The connection, already framed into packets.
    ///   - events: This connection's event stream; the server yields ``Event/quiesce`` into it on shutdown.
    ///   - continuation: The stream's continuation.
    ///   - peer: On a TLS connection, where the handshake leaves the client's certificate chain.
    func handle(
        _ channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>, events: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation,
        peer: PeerCertificates? = nil
    ) async {
        let source = channel.channel.remoteAddress?.ipAddress ?? "unknown"
        let resolution = configuration.timerResolutionMilliseconds
        do {
            try await channel.executeThenClose { inbound, outbound in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await packet in inbound { continuation.yield(.packet(packet)) }
                        } catch let error as MQTTDecodeError {
                            continuation.yield(.decodeFailed(error))
                        } catch {}
                        continuation.yield(.inboundClosed)
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(resolution))
                            continuation.yield(.tick)
                        }
                    }
                    var session = Session(handler: self, source: source, continuation: continuation, peer: peer)
                    for await event in events {
                        guard await session.process(event, outbound: outbound) else { break }
                    }
                    session.finish()
                    continuation.finish()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("mqtt connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}

extension MQTTSessionHandler {
    /// The mutable per-connection state, owned by the connection's task.
    struct Session {
        let handler: MQTTSessionHandler
        let source: String
        let continuation: AsyncStream<Event>.Continuation
        var machine: StateMachine
        var device: Device?
        var subscription: (token: UUID, deviceId: UUID)?
        let peer: PeerCertificates?

        init(handler: MQTTSessionHandler, source: String, continuation: AsyncStream<Event>.Continuation, peer: PeerCertificates?) {
            self.handler = handler
            self.source = source
            self.continuation = continuation
            self.peer = peer
            self.machine = StateMachine(configuration: handler.configuration, clock: handler.clock)
        }

        /// Handles one event. Returns `false` once the connection must close.
        mutating func process(_ event: Event, outbound: NIOAsyncChannelOutboundWriter<MQTTPacket>) async -> Bool {
            let actions: [Action]
            switch event {
            case .packet(let packet):
                // The handshake is over once a packet arrives: its chain (if any) authenticates the CONNECT.
                if case .connect = packet, let chain = peer?.chain { machine.presentCertificates(chain) }
                actions = machine.received(packet)
            case .decodeFailed(let error):
                handler.logger.debug("mqtt packet rejected", metadata: ["source": "\(source)", "error": "\(error)"])
                actions = machine.decodeFailed(error)
            case .inboundClosed: return false
            case .tick: actions = machine.tick()
            case .attributesChanged(let attributes): actions = machine.sharedAttributesChanged(attributes)
            case .quiesce: actions = machine.quiesce()
            }
            return await perform(actions, outbound: outbound)
        }

        /// Stops listening for attribute changes.
        func finish() {
            if let subscription { handler.services.attributeChanges.unsubscribe(subscription.token, deviceId: subscription.deviceId) }
        }

        private mutating func perform(_ actions: [Action], outbound: NIOAsyncChannelOutboundWriter<MQTTPacket>) async -> Bool {
            var queue = actions
            while !queue.isEmpty {
                let action = queue.removeFirst()
                let next: [Action]
                switch action {
                case .send(let packet):
                    do { try await outbound.write(packet) } catch { return false }
                    next = []
                case .close:
                    return false
                case .checkProvisionSource:
                    next = machine.provisionSourceChecked(refused: handler.services.provisioning.refusal(source: source) != nil)
                case .authenticate(let credentials):
                    next = await authenticate { authenticator async throws(DeviceAuthenticationFailure) in
                        try await authenticator.authenticate(mqtt: credentials)
                    }
                case .authenticateCertificates(let chain):
                    let context = ProvisionContext(transport: .mqtt, sourceAddress: source)
                    next = await authenticate { authenticator async throws(DeviceAuthenticationFailure) in
                        try await authenticator.authenticate(certificates: chain, context: context)
                    }
                case .provision(let request, let packetIdentifier):
                    let context = ProvisionContext(transport: .mqtt, sourceAddress: source)
                    let result: Result<CredentialsMaterial, ProvisionError>
                    do { result = .success(try await handler.services.provisioning.provision(request, context: context)) } catch {
                        result = .failure(error)
                    }
                    next = machine.provisioned(result, packetIdentifier: packetIdentifier)
                case .recordMalformedProvision(let error):
                    handler.services.provisioning.recordMalformed(error, context: ProvisionContext(transport: .mqtt, sourceAddress: source))
                    next = []
                case .postTelemetry(let payload, let packetIdentifier):
                    next = await post(packetIdentifier) { try await $0.postTelemetry(device: $1, body: payload) }
                case .postAttributes(let payload, let packetIdentifier):
                    next = await post(packetIdentifier) { try await $0.postAttributes(device: $1, body: payload) }
                case .readAttributes(let requestId, let clientKeys, let sharedKeys):
                    guard let device else { next = []; break }
                    do {
                        let (client, shared) = try await handler.services.deviceAPI.attributes(
                            device: device, clientKeys: clientKeys, sharedKeys: sharedKeys
                        )
                        next = machine.attributesRead(requestId: requestId, client: client, shared: shared)
                    } catch {
                        handler.logger.warning("mqtt attribute read failed", metadata: ["error": "\(error)"])
                        next = []
                    }
                }
                queue.insert(contentsOf: next, at: 0)
            }
            return true
        }

        private mutating func authenticate(
            _ call: (DeviceAuthenticator) async throws(DeviceAuthenticationFailure) -> Device
        ) async -> [Action] {
            do throws(DeviceAuthenticationFailure) {
                let device = try await call(handler.services.authenticator)
                self.device = device
                let continuation = self.continuation
                let token = handler.services.attributeChanges.subscribe(deviceId: device.id) { continuation.yield(.attributesChanged($0)) }
                subscription = (token, device.id)
                return machine.authenticated()
            } catch {
                return machine.authenticationFailed(error)
            }
        }

        private mutating func post(
            _ packetIdentifier: UInt16?, _ call: (DeviceAPIService, Device) async throws -> Void
        ) async -> [Action] {
            guard let device else { return [] }
            let outcome: DevicePublishOutcome
            do {
                try await call(handler.services.deviceAPI, device)
                outcome = .stored
            } catch DeviceAPIError.invalidPayload {
                outcome = .invalidPayload
            } catch {
                handler.logger.warning("mqtt device publish failed", metadata: ["error": "\(error)"])
                outcome = .serverError
            }
            return machine.devicePublishCompleted(packetIdentifier: packetIdentifier, outcome)
        }
    }
}
