import Foundation
import Logging
import MusterCore
import MusterMQTTCodec
import MusterProvisionWire
import NIOCore

/// Runs one MQTT connection on its event loop: every packet, decode error, timer tick, attribute change and shutdown
/// request becomes an ``Event`` for the ``StateMachine``, and the handler performs the ``Action``s it returns.
/// Actions that need the core (authentication, provisioning, storing, reading) run in a task; events arriving
/// meanwhile wait in order (and reading pauses when many wait), so the state machine sees one event at a time.
final class MQTTSessionHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    typealias OutboundOut = MQTTPacket

    /// Everything that can happen to a connection.
    enum Event: Sendable {
        case packet(MQTTPacket)
        case decodeFailed(MQTTDecodeError)
        case tick
        case attributesChanged([Attribute])
        /// An admin changed the device's credentials or deleted it.
        case revoked(DeviceSessionRevocation)
        /// A newer connection with the same client id authenticated.
        case takenOver
        case quiesce

        /// Whether the event ends an authenticated device session (revocation, takeover).
        var endsDeviceSession: Bool {
            switch self {
            case .revoked, .takenOver: return true
            case .packet, .decodeFailed, .tick, .attributesChanged, .quiesce: return false
            }
        }
    }

    /// What a core call found, handed back to the event loop.
    private enum Completion: Sendable {
        case authenticated(Result<Device, DeviceAuthenticationFailure>)
        case provisionSourceChecked(refused: Bool)
        case provisioned(ProvisionAttempt<ProvisionPayloadFormat, Never>, packetIdentifier: UInt16?)
        case published(DevicePublishOutcome, packetIdentifier: UInt16?)
        case attributesRead(requestId: String, client: [Attribute], shared: [Attribute])
        case nothing
    }

    /// Events waiting beyond this many pause reading from the socket until the session catches up.
    private static let pendingLimit = 64

    private let configuration: MQTTServerConfiguration
    private let services: MQTTServices
    private let logger: Logger
    private let sessions: MQTTSessionRegistry
    private let peer: PeerCertificates?
    private let unauthenticated: MQTTConnectionSlots
    /// The connection holds a place among the listener's unauthenticated sessions.
    private var countedUnauthenticated = false
    private var machine: StateMachine

    private var context: ChannelHandlerContext?
    private var source = "unknown"
    private var registration: Int?
    private var timer: RepeatedTask?
    private var device: Device?
    private var subscription: (token: UUID, deviceId: UUID)?
    private var revocationSubscription: (token: UUID, deviceId: UUID)?
    /// The credentials check in flight (run again when its device is revoked meanwhile), the hub watch that notes
    /// revocations while it runs, and how many checks ran before it.
    private var authentication: (action: Action, watch: UUID, earlierChecks: Int)?
    /// The client id this device session holds in ``MQTTServices/clientIdentifiers``.
    private var claimedClientIdentifier: String?
    /// Identifies this session in the client id table.
    private let sessionId = UUID()
    /// A core call is in flight: events wait in `pending`.
    private var busy = false
    private var pending = CircularBuffer<Event>()
    private var readingPaused = false
    private var closed = false

    /// - Parameters:
    ///   - sessions: Where the session registers so that shutdown can reach it.
    ///   - peer: On a TLS connection, where the handshake leaves the client's certificate chain.
    ///   - unauthenticated: The listener's count of connections that are not an authenticated device session.
    init(
        configuration: MQTTServerConfiguration, services: MQTTServices, clock: any WallClock, logger: Logger,
        sessions: MQTTSessionRegistry, peer: PeerCertificates?, unauthenticated: MQTTConnectionSlots
    ) {
        self.configuration = configuration
        self.services = services
        self.logger = logger
        self.sessions = sessions
        self.peer = peer
        self.unauthenticated = unauthenticated
        self.machine = StateMachine(configuration: configuration, clock: clock)
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        source = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        registration = sessions.add {
            handler.eventLoop.execute { handler.value.deliver(.quiesce) }
        }
        guard registration != nil else {
            closeNow()
            return
        }
        guard unauthenticated.enter() else {
            logger.debug("mqtt connection refused: too many unauthenticated sessions", metadata: ["source": "\(source)"])
            closeNow()
            return
        }
        countedUnauthenticated = true
        let resolution = TimeAmount.milliseconds(configuration.timerResolutionMilliseconds)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: resolution, delay: resolution) { _ in
            handler.value.deliver(.tick)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deliver(.packet(unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? MQTTDecodeError {
            logger.debug("mqtt packet rejected", metadata: ["source": "\(source)", "error": "\(error)"])
            deliver(.decodeFailed(error))
        } else if let refusal = peer?.refusedBecause {
            logger.debug("mqtt tls client certificate chain refused", metadata: ["source": "\(source)", "reason": "\(refusal)"])
            closeNow()
        } else {
            logger.debug("mqtt connection ended with an error", metadata: ["error": "\(error)"])
            closeNow()
        }
    }

    // MARK: - Sequencing

    private func deliver(_ event: Event) {
        guard !closed else { return }
        if event.endsDeviceSession, machine.phase == .device {
            // The session ends at once, ahead of packets still waiting behind a core call: they came in under
            // credentials no longer valid. (A device session's end closes the connection, so nothing resumes.)
            pending.removeAll()
            process(event)
            return
        }
        if case .packet(let packet) = event {
            let refusal = machine.arrived(packet)
            guard refusal.isEmpty else {
                pending.removeAll()
                perform(refusal[...])
                return
            }
        }
        if busy {
            pending.append(event)
            if pending.count >= Self.pendingLimit, !readingPaused, let context {
                readingPaused = true
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
            return
        }
        process(event)
    }

    private func process(_ event: Event) {
        let actions: [Action]
        switch event {
        case .packet(let packet):
            // The handshake is over once a packet arrives: its chain (if any) authenticates the CONNECT.
            if case .connect = packet, let chain = peer?.chain { machine.presentCertificates(chain) }
            actions = machine.received(packet)
        case .decodeFailed(let error): actions = machine.decodeFailed(error)
        case .tick: actions = machine.tick()
        case .attributesChanged(let attributes): actions = machine.sharedAttributesChanged(attributes)
        case .revoked(let revocation):
            actions = machine.revoked(revocation.reason)
            if !actions.isEmpty { recordClosure(.revoked(revocation.reason)) }
        case .takenOver:
            actions = machine.takenOver()
            if !actions.isEmpty { recordClosure(.takenOver) }
        case .quiesce: actions = machine.quiesce()
        }
        perform(actions[...])
    }

    /// Performs `actions` in order until one needs the core; that one continues in ``resume(_:then:)``.
    private func perform(_ actions: ArraySlice<Action>) {
        var queue = actions
        var wrote = false
        while let action = queue.popFirst() {
            guard !closed, let context else { return }
            switch action {
            case .send(let packet):
                context.write(wrapOutboundOut(packet), promise: nil)
                wrote = true
            case .close:
                closeNow()
                return
            default:
                if wrote { context.flush() }
                busy = true
                callCore(action, then: Array(queue))
                return
            }
        }
        if wrote { context?.flush() }
        busy = false
        drainPending()
    }

    private func drainPending() {
        while !busy, !closed, let event = pending.popFirst() { process(event) }
        if readingPaused, pending.count < Self.pendingLimit / 2, let context, !closed {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
    }

    /// Runs the core call `action` asks for in a task, then hands its result back on the event loop.
    private func callCore(_ action: Action, then rest: [Action]) {
        guard let context else { return }
        switch action {
        case .authenticate, .authenticateCertificates:
            // Set already: ``confirmNotRevoked(_:then:)`` runs the check again.
            let earlierChecks = authentication.map { $0.earlierChecks + 1 } ?? 0
            endAuthenticationWatch()
            authentication = (action, services.sessions.beginWatch(), earlierChecks)
        default:
            break
        }
        Self.spawn(
            action, services: services, source: source, device: device, logger: logger,
            handler: NIOLoopBound(self, eventLoop: context.eventLoop), then: rest
        )
    }

    private static func spawn(
        _ action: Action, services: MQTTServices, source: String, device: Device?, logger: Logger,
        handler: NIOLoopBound<MQTTSessionHandler>, then rest: [Action]
    ) {
        Task {
            let completion = await run(action, services: services, source: source, device: device, logger: logger)
            handler.eventLoop.execute { handler.value.resume(completion, then: rest) }
        }
    }

    private func resume(_ completion: Completion, then rest: [Action]) {
        guard !closed else { return }
        let next: [Action]
        switch completion {
        case .authenticated(.success(let device)):
            switch confirmNotRevoked(device, then: rest) {
            case .retrying:
                return
            case .revoked:
                next = machine.authenticationFailed(.unknownCredentials)
            case .confirmed:
                self.device = device
                leaveUnauthenticated()
                if let context {
                    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                    let token = services.attributeChanges.subscribe(deviceId: device.id) { attributes in
                        handler.eventLoop.execute { handler.value.deliver(.attributesChanged(attributes)) }
                    }
                    subscription = (token, device.id)
                    takeOverClientIdentifier(handler: handler)
                }
                next = machine.authenticated()
            }
        case .authenticated(.failure(let failure)):
            endAuthenticationWatch()
            next = machine.authenticationFailed(failure)
        case .provisionSourceChecked(let refused):
            next = machine.provisionSourceChecked(refused: refused)
        case .provisioned(let attempt, let packetIdentifier):
            next = machine.provisionAttempted(attempt, packetIdentifier: packetIdentifier)
        case .published(let outcome, let packetIdentifier):
            next = machine.devicePublishCompleted(packetIdentifier: packetIdentifier, outcome)
        case .attributesRead(let requestId, let client, let shared):
            next = machine.attributesRead(requestId: requestId, client: client, shared: shared)
        case .nothing:
            next = []
        }
        perform((next + rest)[...])
    }

    /// The core call of one action, off the event loop.
    private static func run(
        _ action: Action, services: MQTTServices, source: String, device: Device?, logger: Logger
    ) async -> Completion {
        let context = ProvisionContext(transport: .mqtt, sourceAddress: source)
        switch action {
        case .authenticate(let credentials):
            do throws(DeviceAuthenticationFailure) {
                return .authenticated(.success(try await services.authenticator.authenticate(mqtt: credentials)))
            } catch { return .authenticated(.failure(error)) }
        case .authenticateCertificates(let chain):
            do throws(DeviceAuthenticationFailure) {
                return .authenticated(.success(try await services.authenticator.authenticate(certificates: chain, context: context)))
            } catch { return .authenticated(.failure(error)) }
        case .checkProvisionSource:
            // With several nodes the cooling-off is the database's: a core call like the others.
            return .provisionSourceChecked(refused: await services.provisioning.refusal(source: source) != nil)
        case .provision(let payload, let packetIdentifier):
            let attempt = await services.provisioning.attempt(
                context: context, payload: { payload }, decode: ProvisionPayload.decode)
            return .provisioned(attempt, packetIdentifier: packetIdentifier)
        case .postTelemetry(let payload, let packetIdentifier):
            guard let device else { return .nothing }
            return .published(await publish(logger) { try await services.deviceAPI.postTelemetry(device: device, body: payload) }, packetIdentifier: packetIdentifier)
        case .postAttributes(let payload, let packetIdentifier):
            guard let device else { return .nothing }
            return .published(await publish(logger) { try await services.deviceAPI.postAttributes(device: device, body: payload) }, packetIdentifier: packetIdentifier)
        case .readAttributes(let requestId, let clientKeys, let sharedKeys):
            guard let device else { return .nothing }
            do {
                let (client, shared) = try await services.deviceAPI.attributes(device: device, clientKeys: clientKeys, sharedKeys: sharedKeys)
                return .attributesRead(requestId: requestId, client: client, shared: shared)
            } catch {
                logger.warning("mqtt attribute read failed", metadata: ["error": "\(error)"])
                return .nothing
            }
        case .send, .close:
            return .nothing  // performed on the event loop
        }
    }

    private static func publish(_ logger: Logger, _ call: () async throws -> Void) async -> DevicePublishOutcome {
        do {
            try await call()
            return .stored
        } catch DeviceAPIError.invalidPayload(let failure) {
            logger.info("mqtt device payload refused", metadata: ["reason": "\(TelemetryService.describe(failure))"])
            return .invalidPayload
        } catch {
            logger.warning("mqtt device publish failed", metadata: ["error": "\(error)"])
            return .serverError
        }
    }

    // MARK: - Revocation and takeover

    /// Whether an authenticated device may have its session.
    private enum RevocationCheck {
        case confirmed
        /// The credentials are being checked once more.
        case retrying
        case revoked
    }

    /// Subscribes the session to its device's revocations, then makes sure the device was not revoked while its
    /// credentials were being checked (such a revocation reached no session). If it was, the check runs once more:
    /// the credentials may still be this client's (a certificate-chain provisioning that binds this very
    /// certificate revokes the device's older sessions); a revocation during that second check refuses the session.
    /// During a mass revocation (the hub's watch no longer lists devices) the check runs up to three times, and the
    /// last one stands.
    private func confirmNotRevoked(_ device: Device, then rest: [Action]) -> RevocationCheck {
        if let current = revocationSubscription, current.deviceId != device.id {
            services.sessions.unsubscribe(current.token, deviceId: current.deviceId)
            revocationSubscription = nil
        }
        if revocationSubscription == nil, let context {
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let token = services.sessions.subscribe(deviceId: device.id, transport: .mqtt) { revocation in
                handler.eventLoop.execute { handler.value.deliver(.revoked(revocation)) }
            }
            revocationSubscription = (token, device.id)
        }
        guard let authentication else { return .confirmed }
        switch (services.sessions.endWatch(authentication.watch).status(of: device.id), authentication.earlierChecks) {
        case (.notRevoked, _), (.unknown, 2...):
            self.authentication = nil
            return .confirmed
        case (.revoked, 1...):
            self.authentication = nil
            return .revoked
        case (.revoked, _), (.unknown, _):
            callCore(authentication.action, then: rest)
            return .retrying
        }
    }

    private func endAuthenticationWatch() {
        if let authentication { _ = services.sessions.endWatch(authentication.watch) }
        authentication = nil
    }

    /// Claims the session's client id; an older session holding it is told to end (takeover).
    private func takeOverClientIdentifier(handler: NIOLoopBound<MQTTSessionHandler>) {
        let clientId = machine.clientIdentifier
        claimedClientIdentifier = clientId
        let previous = services.clientIdentifiers.claim(clientId, session: sessionId) {
            handler.eventLoop.execute { handler.value.deliver(.takenOver) }
        }
        previous?()
    }

    /// Audits a session the server closed.
    private func recordClosure(_ reason: DeviceSessionCloseReason) {
        guard let device else { return }
        services.sessions.recordClosure(DeviceSessionClosure(
            deviceId: device.id, tenantId: device.tenantId, deviceName: device.name, transport: .mqtt,
            sourceAddress: source, reason: reason
        ))
        logger.info("mqtt device session closed", metadata: [
            "device": "\(device.id)", "source": "\(source)", "reason": "\(reason.auditReason)",
        ])
    }

    // MARK: - Ending

    /// Flushes what was written and closes the connection.
    private func closeNow() {
        guard !closed else { return }
        closed = true
        pending.removeAll()
        if let context {
            context.flush()
            context.close(promise: nil)
        }
        finish()
    }

    /// Stops the timer, the attribute and revocation subscriptions, the client id claim and the shutdown
    /// registration (once).
    private func finish() {
        closed = true
        timer?.cancel()
        timer = nil
        if let subscription {
            services.attributeChanges.unsubscribe(subscription.token, deviceId: subscription.deviceId)
            self.subscription = nil
        }
        if let revocationSubscription {
            services.sessions.unsubscribe(revocationSubscription.token, deviceId: revocationSubscription.deviceId)
            self.revocationSubscription = nil
        }
        endAuthenticationWatch()
        if let claimedClientIdentifier {
            services.clientIdentifiers.release(claimedClientIdentifier, session: sessionId)
            self.claimedClientIdentifier = nil
        }
        if let registration {
            sessions.remove(registration)
            self.registration = nil
        }
        leaveUnauthenticated()
    }

    private func leaveUnauthenticated() {
        guard countedUnauthenticated else { return }
        countedUnauthenticated = false
        unauthenticated.leave()
    }
}
