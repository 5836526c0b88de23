import Foundation
import NIOCore
import MusterCore
import MusterMQTTCodec
import MusterProvisionWire

extension MQTTSessionHandler {
    /// One connection's MQTT behaviour, without NIO: each event returns the ``Action``s the handler performs.
    ///
    /// A broker accepts exactly what a client state machine refuses (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ) and
    /// refuses what a client accepts (CONNACK, SUBACK, UNSUBACK, PINGRESP). Time comes from the injected clock;
    /// the handler calls ``tick()`` periodically and the machine decides which deadline has passed.
    struct StateMachine {
        enum Phase: Equatable {
            case awaitingConnect
            case authenticating
            case provisioning
            case device
            case closed
        }

        let configuration: MQTTServerConfiguration
        let clock: any WallClock
        private(set) var phase: Phase = .awaitingConnect
        /// The protocol version from CONNECT (3.1.1 until then).
        private(set) var version: MQTTProtocolVersion = .v311
        /// The client identifier, assigned when the client sent an empty one.
        private(set) var clientIdentifier = ""
        private var assignedClientIdentifier: String?
        /// The client's Maximum Packet Size (MQTT 5): larger packets are not sent to it.
        private var clientMaximumPacketSize: Int?
        private var keepAliveMilliseconds: Int64 = 0
        private var lastActivity: Int64
        private var connectDeadline: Int64
        private var closeDeadline: Int64?
        /// When a provisioning session that has not published yet is closed.
        private var provisionRequestDeadline: Int64?
        private var pendingCredentials: MQTTConnectCredentials?
        /// The TLS client's certificate chain (leaf first, links checked in the handshake), when it presented one.
        private var certificates: [ClientCertificate]?
        /// Granted subscriptions: topic filter → QoS.
        var subscriptions: [String: MQTTQoS] = [:]
        private var topicAliases: [UInt16: String] = [:]
        /// The provisioning answer format; once protobuf, it stays protobuf for the session (§3.1).
        var responseFormat: ProvisionPayloadFormat = .json
        private var nextPacketIdentifier: UInt16 = 1
        /// QoS 1/2 PUBLISHes received and not yet acknowledged, held against the Receive Maximum (MQTT 5).
        var unacknowledged = 0
        /// Packet identifiers of QoS 2 PUBLISHes taken and processed once, until their PUBREL: a re-sent PUBLISH
        /// with one of them is answered PUBREC again without being processed a second time.
        var awaitingRelease: Set<UInt16> = []

        init(configuration: MQTTServerConfiguration, clock: any WallClock) {
            self.configuration = configuration
            self.clock = clock
            let now = clock.nowMilliseconds()
            self.lastActivity = now
            self.connectDeadline = now + configuration.connectTimeoutMilliseconds
        }

        // MARK: - Events

        /// The TLS handshake's client certificate chain; it then authenticates every non-provisioning CONNECT (§3.4).
        mutating func presentCertificates(_ chain: [ClientCertificate]) {
            certificates = chain.isEmpty ? nil : chain
        }

        /// A packet came off the wire, before it waits its turn behind a core call: a QoS 1/2 PUBLISH counts against
        /// the Receive Maximum announced in CONNACK until it is acknowledged; one too many closes with 0x93 (MQTT 5).
        mutating func arrived(_ packet: MQTTPacket) -> [Action] {
            guard case .publish(let publish) = packet, publish.qos != .atMostOnce, phase != .closed else { return [] }
            unacknowledged += 1
            guard version.hasProperties, unacknowledged > Int(configuration.receiveMaximum) else { return [] }
            return closeWithReason(.receiveMaximumExceeded)
        }

        /// A packet arrived.
        mutating func received(_ packet: MQTTPacket) -> [Action] {
            lastActivity = clock.nowMilliseconds()
            switch (phase, packet) {
            case (.closed, _):
                return []
            case (.awaitingConnect, .connect(let connect)):
                return receivedConnect(connect)
            case (.awaitingConnect, _), (.authenticating, _):
                return closeWithReason(.protocolError)
            case (_, .connect):
                return closeWithReason(.protocolError)
            case (_, .pingReq):
                return [.send(.pingResp(.init()))]
            case (_, .disconnect):
                phase = .closed
                return [.close]
            case (.provisioning, .publish(let publish)):
                provisionRequestDeadline = nil
                if let answer = receivedExactlyOnce(publish) { return answer }
                guard let topic = resolveTopic(publish) else { return closeWithReason(.topicAliasInvalid) }
                return receivedProvisionPublish(publish, topic: topic)
            case (.device, .publish(let publish)):
                if let answer = receivedExactlyOnce(publish) { return answer }
                guard let topic = resolveTopic(publish) else { return closeWithReason(.topicAliasInvalid) }
                return receivedDevicePublish(publish, topic: topic)
            case (.provisioning, .pubRel(let release)), (.device, .pubRel(let release)):
                return receivedRelease(release)
            case (.provisioning, .subscribe(let subscribe)), (.device, .subscribe(let subscribe)):
                return receivedSubscribe(subscribe)
            case (.provisioning, .unsubscribe(let unsubscribe)), (.device, .unsubscribe(let unsubscribe)):
                return receivedUnsubscribe(unsubscribe)
            case (_, .pubAck), (_, .pubRec), (_, .pubComp):
                return []  // acknowledgements of what we sent: nothing is retried
            case (_, .pubRel), (_, .connAck), (_, .subAck), (_, .unsubAck), (_, .pingResp), (_, .auth):
                return closeWithReason(.protocolError)
            }
        }

        /// The decoder rejected the byte stream.
        mutating func decodeFailed(_ error: MQTTDecodeError) -> [Action] {
            let reason = MQTTReasonCode(error)
            if phase == .awaitingConnect {
                phase = .closed
                switch error {
                case .invalidProtocolName, .unsupportedProtocolLevel:
                    return [.send(.connAck(.init(reasonCode: .unsupportedProtocolVersion))), .close]
                default:
                    return [.close]
                }
            }
            return closeWithReason(reason)
        }

        /// Time passed: enforces the connect timeout, keep-alive (1.5 × the client's value) and the provisioning
        /// session's close delay.
        mutating func tick() -> [Action] {
            let now = clock.nowMilliseconds()
            switch phase {
            case .closed, .authenticating:
                return []
            case .awaitingConnect:
                guard now >= connectDeadline else { return [] }
                phase = .closed
                return [.close]
            case .provisioning, .device:
                if let closeDeadline, now >= closeDeadline {
                    phase = .closed
                    return [.close]  // ThingsBoard closes the socket without DISCONNECT
                }
                if let provisionRequestDeadline, now >= provisionRequestDeadline {
                    return closeWithReason(.maximumConnectTime)
                }
                if keepAliveMilliseconds > 0, now - lastActivity >= keepAliveMilliseconds * 3 / 2 {
                    return closeWithReason(.keepAliveTimeout)
                }
                return []
            }
        }

        /// The server is shutting down.
        mutating func quiesce() -> [Action] {
            switch phase {
            case .closed: return []
            case .awaitingConnect, .authenticating:
                phase = .closed
                return [.close]
            case .provisioning, .device:
                return closeWithReason(.serverShuttingDown)
            }
        }

        // MARK: - CONNECT

        private mutating func receivedConnect(_ connect: MQTTPacket.Connect) -> [Action] {
            version = connect.protocolVersion
            keepAliveMilliseconds = Int64(connect.keepAlive) * 1000
            clientIdentifier = connect.clientIdentifier
            clientMaximumPacketSize = connect.properties.maximumPacketSize.map(Int.init)
            if connect.clientIdentifier.isEmpty {
                guard connect.cleanStart || connect.protocolVersion == .v5 else {
                    phase = .closed
                    return [.send(.connAck(.init(reasonCode: .clientIdentifierNotValid))), .close]
                }
                let assigned = UUID().uuidString.lowercased()
                clientIdentifier = assigned
                assignedClientIdentifier = connect.protocolVersion == .v5 ? assigned : nil
            }
            phase = .authenticating
            let password = connect.password.map { String(decoding: $0, as: UTF8.self) }
            let credentials = MQTTConnectCredentials(clientId: connect.clientIdentifier, username: connect.username, password: password)
            if connect.username == MQTTTopic.provisionIdentity || connect.clientIdentifier == MQTTTopic.provisionIdentity {
                return [.checkProvisionSource]
            }
            pendingCredentials = credentials
            if let certificates { return [.authenticateCertificates(certificates)] }
            return [.authenticate(credentials)]
        }

        /// The core's answer on a provisioning session's source.
        mutating func provisionSourceChecked(refused: Bool) -> [Action] {
            guard phase == .authenticating else { return [] }
            if refused { return refuse(.connectionRateExceeded) }
            phase = .provisioning
            provisionRequestDeadline = clock.nowMilliseconds() + configuration.provisionRequestTimeoutMilliseconds
            return [.send(.connAck(connAck()))]
        }

        /// The device was authenticated.
        mutating func authenticated() -> [Action] {
            guard phase == .authenticating else { return [] }
            phase = .device
            pendingCredentials = nil
            return [.send(.connAck(connAck()))]
        }

        /// The device was refused.
        mutating func authenticationFailed(_ failure: DeviceAuthenticationFailure) -> [Action] {
            guard phase == .authenticating else { return [] }
            let credentials = pendingCredentials ?? MQTTConnectCredentials(clientId: "", username: nil, password: nil)
            pendingCredentials = nil
            let viaCertificate = certificates != nil
            return refuse(MQTTReasonCode(failure, credentials: credentials, viaCertificate: viaCertificate, version: version))
        }

        private mutating func refuse(_ reason: MQTTReasonCode) -> [Action] {
            phase = .closed
            return [.send(.connAck(.init(sessionPresent: false, reasonCode: reason))), .close]
        }

        private func connAck() -> MQTTPacket.ConnAck {
            var properties: MQTTProperties = []
            if version.hasProperties {
                properties.all.append(.maximumPacketSize(UInt32(configuration.maximumPacketSize)))
                properties.all.append(.receiveMaximum(configuration.receiveMaximum))
                properties.all.append(.topicAliasMaximum(configuration.topicAliasMaximum))
                if let assignedClientIdentifier { properties.all.append(.assignedClientIdentifier(assignedClientIdentifier)) }
            }
            // No session state outlives a connection, so there is never a session present [MQTT-3.2.2-2, -3]
            // (ThingsBoard answers !cleanSession; tb-mqtt-client subscribes again on every CONNACK either way).
            return MQTTPacket.ConnAck(sessionPresent: false, reasonCode: .success, properties: properties)
        }

        // MARK: - Shared helpers

        /// Closes with a reason: MQTT 5 gets DISCONNECT with the reason first, 3.1.1 a plain close.
        mutating func closeWithReason(_ reason: MQTTReasonCode) -> [Action] {
            let wasConnected = phase == .provisioning || phase == .device
            phase = .closed
            guard wasConnected, version.hasProperties else { return [.close] }
            return [.send(.disconnect(.init(reasonCode: reason))), .close]
        }

        /// The topic of a PUBLISH with its MQTT 5 Topic Alias applied, or `nil` for an invalid alias.
        private mutating func resolveTopic(_ publish: MQTTPacket.Publish) -> String? {
            guard let alias = publish.properties.topicAlias else { return publish.topicName }
            guard alias > 0, alias <= configuration.topicAliasMaximum else { return nil }
            if publish.topicName.isEmpty { return topicAliases[alias] }
            topicAliases[alias] = publish.topicName
            return publish.topicName
        }

        /// A QoS 2 PUBLISH (MQTT 3.1.1 and 5 §4.3.3, acknowledged as ThingsBoard does): a re-send of one whose
        /// PUBREL has not arrived gets PUBREC again and is not processed twice; a new one is held until PUBREL.
        /// A QoS 1 PUBLISH with an identifier awaiting PUBREL breaks the protocol.
        /// - Returns: The answer when the PUBLISH must not be processed, `nil` to process it.
        private mutating func receivedExactlyOnce(_ publish: MQTTPacket.Publish) -> [Action]? {
            guard let identifier = publish.packetIdentifier, awaitingRelease.contains(identifier) else {
                if publish.qos == .exactlyOnce, let identifier = publish.packetIdentifier { awaitingRelease.insert(identifier) }
                return nil
            }
            guard publish.qos == .exactlyOnce else { return closeWithReason(.packetIdentifierInUse) }
            unacknowledged = max(0, unacknowledged - 1)  // not a new PUBLISH
            return [.send(.pubRec(.init(packetIdentifier: identifier)))]
        }

        /// PUBREL: the QoS 2 flow ends with PUBCOMP (0x92 on MQTT 5 for an identifier that awaits no PUBREL).
        private mutating func receivedRelease(_ release: MQTTPacket.PubAck) -> [Action] {
            let identifier = release.packetIdentifier
            let known = awaitingRelease.remove(identifier) != nil
            if known { unacknowledged = max(0, unacknowledged - 1) }
            return [.send(.pubComp(.init(packetIdentifier: identifier, reasonCode: known ? .success : .packetIdentifierNotFound)))]
        }

        /// Starts the provisioning session's close timer if it is not running.
        mutating func startCloseTimer() {
            if closeDeadline == nil { closeDeadline = clock.nowMilliseconds() + configuration.provisionSessionTimeoutMilliseconds }
        }

        /// A packet identifier for a QoS 1 PUBLISH we send.
        mutating func makePacketIdentifier() -> UInt16 {
            defer { nextPacketIdentifier = nextPacketIdentifier == .max ? 1 : nextPacketIdentifier + 1 }
            return nextPacketIdentifier
        }

        /// The QoS to send `topic` with: the highest granted QoS among matching subscriptions, or `fallback`.
        func grantedQoS(for topic: String, fallback: MQTTQoS) -> MQTTQoS {
            subscriptions.filter { MQTTTopic.matches(topic, filter: $0.key) }.map(\.value).max() ?? fallback
        }

        /// Sends a PUBLISH, unless it exceeds the client's Maximum Packet Size (MQTT 5 §3.1.2.11.4: the server
        /// discards it as if it had been sent).
        mutating func publishing(_ topic: String, payload: [UInt8], qos: MQTTQoS) -> [Action] {
            var publish = MQTTPacket.Publish(topicName: topic, payload: ByteBuffer(bytes: payload), qos: qos, packetIdentifier: qos == .atMostOnce ? nil : 1)
            if let limit = clientMaximumPacketSize {
                var encoded = ByteBuffer()
                MQTTPacket.publish(publish).write(to: &encoded, version: version)
                guard encoded.readableBytes <= limit else { return [] }
            }
            if qos != .atMostOnce { publish.packetIdentifier = makePacketIdentifier() }
            return [.send(.publish(publish))]
        }

        /// A failure code in SUBACK: MQTT 5 names the reason, 3.1.1 only has 0x80.
        func subscribeFailure(_ reason: MQTTReasonCode) -> MQTTReasonCode {
            version.hasProperties ? reason : .unspecifiedError
        }
    }
}
