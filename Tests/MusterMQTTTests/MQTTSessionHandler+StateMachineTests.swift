import Foundation
import MusterCore
import MusterMQTTCodec
import MusterProvisionWire
import MusterTestSupport
import NIOCore
import Testing

@testable import MusterMQTT

/// The session state machine without sockets: spec §3.1 (provisioning sessions) and §3.4 (device sessions), with a
/// mock clock for keep-alive and the provisioning close delay.
@Suite struct MQTTSessionStateMachineTests {
    typealias Machine = MQTTSessionHandler.StateMachine
    typealias Action = MQTTSessionHandler.Action

    let clock = MockClock()
    let configuration = MQTTServerConfiguration(maximumPacketSize: 4096, provisionSessionTimeoutMilliseconds: 60_000)

    private func connect(
        _ version: MQTTProtocolVersion, clientId: String = "c1", username: String? = nil, password: String? = nil,
        keepAlive: UInt16 = 0, cleanStart: Bool = true
    ) -> MQTTPacket {
        .connect(.init(
            protocolVersion: version, cleanStart: cleanStart, keepAlive: keepAlive, clientIdentifier: clientId, username: username,
            password: password.map { Array($0.utf8) }
        ))
    }

    private func publish(_ topic: String, _ payload: String, qos: MQTTQoS = .atLeastOnce, id: UInt16? = 7, alias: UInt16? = nil) -> MQTTPacket {
        .publish(.init(
            topicName: topic, payload: ByteBuffer(string: payload), qos: qos, packetIdentifier: qos == .atMostOnce ? nil : id,
            properties: alias.map { [.topicAlias($0)] } ?? []
        ))
    }

    /// A machine with an accepted provisioning session.
    private func provisionSession(_ version: MQTTProtocolVersion, keepAlive: UInt16 = 0) -> Machine {
        var machine = Machine(configuration: configuration, clock: clock)
        #expect(machine.received(connect(version, username: "provision", keepAlive: keepAlive)) == [.checkProvisionSource])
        _ = machine.provisionSourceChecked(refused: false)
        return machine
    }

    /// A machine with an authenticated device session.
    private func deviceSession(_ version: MQTTProtocolVersion, keepAlive: UInt16 = 0) -> Machine {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(version, username: "token", keepAlive: keepAlive))
        _ = machine.authenticated()
        return machine
    }

    private func sent(_ actions: [Action]) -> [MQTTPacket] {
        actions.compactMap { if case .send(let packet) = $0 { packet } else { nil } }
    }

    // MARK: - CONNECT

    @Test(arguments: [("provision", "c1"), (nil, "provision")] as [(String?, String)])
    func provisionIdentityOpensAProvisioningSessionWithoutCredentialCheck(username: String?, clientId: String) {
        var machine = Machine(configuration: configuration, clock: clock)
        #expect(machine.received(connect(.v5, clientId: clientId, username: username, password: "ignored")) == [.checkProvisionSource])
        let actions = machine.provisionSourceChecked(refused: false)
        guard case .connAck(let ack)? = sent(actions).first else { Issue.record("no CONNACK"); return }
        #expect(ack.reasonCode == .success)
        #expect(ack.properties.maximumPacketSize == 4096)
        #expect(ack.properties.receiveMaximum == 100)
        #expect(machine.phase == .provisioning)
    }

    @Test func coolingOffSourceIsRefused() {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(.v5, username: "provision"))
        #expect(machine.provisionSourceChecked(refused: true) == [.send(.connAck(.init(reasonCode: .connectionRateExceeded))), .close])
    }

    @Test func emptyClientIdIsAssignedOnMQTT5() {
        var machine = Machine(configuration: configuration, clock: clock)
        #expect(machine.received(connect(.v5, clientId: "", username: "tok")) == [
            .authenticate(MQTTConnectCredentials(clientId: "", username: "tok", password: nil))
        ])
        guard case .connAck(let ack)? = sent(machine.authenticated()).first else { Issue.record("no CONNACK"); return }
        #expect(ack.properties.assignedClientIdentifier == machine.clientIdentifier)
        #expect(!machine.clientIdentifier.isEmpty)
    }

    @Test func emptyClientIdWithoutCleanSessionIsRejectedOn311() {
        var machine = Machine(configuration: configuration, clock: clock)
        #expect(machine.received(connect(.v311, clientId: "", username: "tok", cleanStart: false)) == [
            .send(.connAck(.init(reasonCode: .clientIdentifierNotValid))), .close,
        ])
    }

    @Test(arguments: [
        // (version, username, password, clientId, expected)
        (MQTTProtocolVersion.v311, "u", "p", "c", MQTTReasonCode.notAuthorized),  // encoded 0x05, never 0x04
        (.v5, "u", "p", "c", .badUserNameOrPassword),
        (.v5, "u", nil, "c", .badUserNameOrPassword),
        (.v5, nil, nil, "c", .clientIdentifierNotValid),
        (.v311, nil, nil, "c", .clientIdentifierNotValid),
    ] as [(MQTTProtocolVersion, String?, String?, String, MQTTReasonCode)])
    func refusedDeviceGetsThingsBoardsCode(
        version: MQTTProtocolVersion, username: String?, password: String?, clientId: String, expected: MQTTReasonCode
    ) {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(version, clientId: clientId, username: username, password: password))
        #expect(machine.authenticationFailed(.unknownCredentials) == [.send(.connAck(.init(reasonCode: expected))), .close])
    }

    @Test func storageFailureIsServerUnavailable() {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(.v5, username: "u"))
        #expect(machine.authenticationFailed(.storageFailure) == [.send(.connAck(.init(reasonCode: .serverUnavailable))), .close])
    }

    @Test func secondConnectClosesWithProtocolError() {
        var machine = deviceSession(.v5)
        #expect(machine.received(connect(.v5)) == [.send(.disconnect(.init(reasonCode: .protocolError))), .close])
        #expect(machine.phase == .closed)
    }

    @Test func unsupportedProtocolLevelGetsConnAck() {
        var machine = Machine(configuration: configuration, clock: clock)
        #expect(machine.decodeFailed(.unsupportedProtocolLevel(6)) == [
            .send(.connAck(.init(reasonCode: .unsupportedProtocolVersion))), .close,
        ])
    }

    @Test func malformedPacketClosesWithItsReasonCode() {
        var v5 = deviceSession(.v5)
        #expect(v5.decodeFailed(.malformedUTF8(packet: .publish, field: .topicName)) == [
            .send(.disconnect(.init(reasonCode: .malformedPacket))), .close,
        ])
        var v311 = deviceSession(.v311)
        #expect(v311.decodeFailed(.packetTooLarge(size: 9000, limit: 4096)) == [.close])
    }

    // MARK: - Provisioning sessions

    @Test func jsonRequestIsAckedThenAnsweredOnTheResponseTopic() throws {
        var machine = provisionSession(.v311)
        let json = #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#
        let actions = machine.received(publish("/provision/request", json))
        #expect(actions == [.provision(payload: Array(json.utf8), packetIdentifier: 7)])
        let material = CredentialsMaterial(type: .accessToken, credentialsId: "tok", credentialsValue: nil)
        let answer = machine.provisioned(.success(material), packetIdentifier: 7)
        #expect(answer == [
            .send(.pubAck(.init(packetIdentifier: 7))),
            .send(.publish(.init(
                topicName: "/provision/response",
                payload: ByteBuffer(string: #"{"credentialsValue":"tok","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}"#),
                qos: .atLeastOnce, packetIdentifier: 1
            ))),
        ])
    }

    @Test func responseQoSFollowsTheSubscription() {
        var machine = provisionSession(.v5)
        _ = machine.received(.subscribe(.init(packetIdentifier: 1, subscriptions: [.init(topicFilter: "/provision/response")])))
        _ = machine.received(publish("/provision/request", #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#, qos: .atMostOnce))
        let answer = machine.provisioned(.failure(.notFound(.unknownKey)), packetIdentifier: nil)
        #expect(answer == [
            .send(.publish(.init(
                topicName: "/provision/response",
                payload: ByteBuffer(string: #"{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}"#)
            ))),
        ])
    }

    @Test func aProtobufRequestIsAnsweredInProtobufAndTheSessionStaysProtobuf() {
        var machine = provisionSession(.v5)
        #expect(machine.received(publish("/provision/request", "")) == [.provision(payload: [], packetIdentifier: 7)])
        // The core decoded the empty payload as protobuf (the empty ProvisionDeviceRequestMsg).
        let answer = machine.provisionAttempted(.answered(.failure(.notFound(.emptyKeyOrSecret)), format: .protobuf), packetIdentifier: 7)
        #expect(sent(answer).last == .publish(.init(
            topicName: "/provision/response", payload: ByteBuffer(bytes: [0x08, 0x02]), qos: .atLeastOnce, packetIdentifier: 1
        )))
        // A later JSON request is still answered in protobuf.
        _ = machine.received(publish("/provision/request", #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#))
        let later = machine.provisionAttempted(.answered(.failure(.failure(.deviceNameTaken)), format: .json), packetIdentifier: 7)
        #expect(sent(later).last == .publish(.init(
            topicName: "/provision/response", payload: ByteBuffer(bytes: [0x08, 0x03]), qos: .atLeastOnce, packetIdentifier: 2
        )))
    }

    @Test func missingFieldIsAckedWith0x83AndCloses() {
        var machine = provisionSession(.v5)
        _ = machine.received(publish("/provision/request", #"{"provisionDeviceKey":"k"}"#))
        let actions = machine.provisionAttempted(.malformed(.missingField("provisionDeviceSecret")), packetIdentifier: 7)
        #expect(actions == [
            .send(.pubAck(.init(packetIdentifier: 7, reasonCode: .implementationSpecificError))),
            .send(.disconnect(.init(reasonCode: .implementationSpecificError))), .close,
        ])
    }

    @Test func invalidProtobufKeepsAnMQTT5QoS1SessionAndClosesOthers() {
        var v5 = provisionSession(.v5)
        _ = v5.received(publish("/provision/request", "\u{FF}"))
        #expect(v5.provisionAttempted(.malformed(.invalidProtobuf), packetIdentifier: 7) == [
            .send(.pubAck(.init(packetIdentifier: 7, reasonCode: .payloadFormatInvalid))),
        ])
        #expect(v5.phase == .provisioning)
        var v311 = provisionSession(.v311)
        _ = v311.received(publish("/provision/request", "\u{FF}"))
        #expect(v311.provisionAttempted(.malformed(.invalidProtobuf), packetIdentifier: 7) == [.close])
    }

    @Test func aSourceRefusedAfterConnectIsAnsweredRateLimitedAndClosed() {
        let request = publish("/provision/request", #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#)
        var refused = provisionSession(.v5)
        _ = refused.received(request)
        var rateLimited = provisionSession(.v5)
        _ = rateLimited.received(request)
        let actions = refused.provisionAttempted(.refused(retryAfterSeconds: 60), packetIdentifier: 7)
        // The same answer as a request whose key is cooling off: PUBACK, the FAILURE answer, DISCONNECT 0x9F.
        #expect(actions == rateLimited.provisionAttempted(
            .answered(.failure(.rateLimited(retryAfterSeconds: 60)), format: .json), packetIdentifier: 7))
        #expect(actions.suffix(2) == [.send(.disconnect(.init(reasonCode: .connectionRateExceeded))), .close])
    }

    @Test func otherTopicIsRefusedWith0x90AndCloses() {
        var machine = provisionSession(.v5)
        #expect(machine.received(publish("v1/devices/me/telemetry", "{}")) == [
            .send(.pubAck(.init(packetIdentifier: 7, reasonCode: .topicNameInvalid))),
            .send(.disconnect(.init(reasonCode: .topicNameInvalid))), .close,
        ])
    }

    @Test(arguments: [(MQTTProtocolVersion.v5, MQTTReasonCode.topicFilterInvalid), (.v311, .unspecifiedError)])
    func provisioningSubscribeRules(version: MQTTProtocolVersion, failure: MQTTReasonCode) {
        var machine = provisionSession(version)
        let subscribe = MQTTPacket.subscribe(.init(packetIdentifier: 3, subscriptions: [
            .init(topicFilter: "/provision/response", options: .init(qos: .exactlyOnce)), .init(topicFilter: "v1/devices/me/attributes"),
        ]))
        #expect(machine.received(subscribe) == [.send(.subAck(.init(packetIdentifier: 3, reasonCodes: [.grantedQoS1, failure])))])
        let unsubscribe = MQTTPacket.unsubscribe(.init(packetIdentifier: 4, topicFilters: ["/provision/response", "/other"]))
        let expected: [MQTTReasonCode] = version == .v5 ? [.success, .noSubscriptionExisted] : []
        #expect(machine.received(unsubscribe) == [.send(.unsubAck(.init(packetIdentifier: 4, reasonCodes: expected)))])
    }

    @Test func provisioningSessionClosesAfterTheConfiguredDelay() {
        var machine = provisionSession(.v5)
        _ = machine.received(publish("/provision/request", #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#))
        _ = machine.provisioned(.failure(.notFound(.unknownKey)), packetIdentifier: 7)
        clock.advance(by: 59_999)
        #expect(machine.tick() == [])
        clock.advance(by: 1)
        #expect(machine.tick() == [.close])  // a plain close, no DISCONNECT
    }

    // MARK: - Keep-alive, ping, shutdown

    @Test func keepAliveIsEnforcedAtOneAndAHalfTimes() {
        var machine = deviceSession(.v5, keepAlive: 10)
        clock.advance(by: 14_000)
        #expect(machine.received(.pingReq(.init())) == [.send(.pingResp(.init()))])
        clock.advance(by: 14_999)
        #expect(machine.tick() == [])
        clock.advance(by: 1)
        #expect(machine.tick() == [.send(.disconnect(.init(reasonCode: .keepAliveTimeout))), .close])
    }

    @Test func connectMustArriveInTime() {
        var machine = Machine(configuration: configuration, clock: clock)
        clock.advance(by: configuration.connectTimeoutMilliseconds)
        #expect(machine.tick() == [.close])
    }

    @Test func quiesceSendsServerShuttingDown() {
        var v5 = deviceSession(.v5)
        #expect(v5.quiesce() == [.send(.disconnect(.init(reasonCode: .serverShuttingDown))), .close])
        var v311 = deviceSession(.v311)
        #expect(v311.quiesce() == [.close])
    }

    // MARK: - Device sessions

    @Test func telemetryAndAttributesGoToTheCore() {
        var machine = deviceSession(.v311)
        #expect(machine.received(publish("v1/devices/me/telemetry", #"{"t":1}"#)) == [
            .postTelemetry(payload: Array(#"{"t":1}"#.utf8), packetIdentifier: 7)
        ])
        #expect(machine.received(publish("v1/devices/me/attributes", #"{"a":1}"#, qos: .atMostOnce)) == [
            .postAttributes(payload: Array(#"{"a":1}"#.utf8), packetIdentifier: nil)
        ])
        #expect(machine.devicePublishCompleted(packetIdentifier: 7, .stored) == [.send(.pubAck(.init(packetIdentifier: 7)))])
    }

    @Test func invalidPayloadIsAcked0x99OnMQTT5AndClosesOn311() {
        var v5 = deviceSession(.v5)
        #expect(v5.devicePublishCompleted(packetIdentifier: 7, .invalidPayload) == [
            .send(.pubAck(.init(packetIdentifier: 7, reasonCode: .payloadFormatInvalid)))
        ])
        var v311 = deviceSession(.v311)
        #expect(v311.devicePublishCompleted(packetIdentifier: 7, .invalidPayload) == [.close])
    }

    @Test func wildcardTopicNameCloses() {
        var machine = deviceSession(.v5)
        #expect(machine.received(publish("v1/devices/me/+", "{}")) == [.send(.disconnect(.init(reasonCode: .topicNameInvalid))), .close])
    }

    @Test func topicAliasesAreResolved() {
        var machine = deviceSession(.v5)
        _ = machine.received(publish("v1/devices/me/telemetry", "{}", alias: 3))
        #expect(machine.received(publish("", #"{"x":2}"#, alias: 3)) == [
            .postTelemetry(payload: Array(#"{"x":2}"#.utf8), packetIdentifier: 7)
        ])
        #expect(machine.received(publish("", "{}", alias: 4)) == [.send(.disconnect(.init(reasonCode: .topicAliasInvalid))), .close])
    }

    @Test func attributeRequestIsAnsweredOnTheResponseTopic() {
        var machine = deviceSession(.v311)
        #expect(machine.received(publish("v1/devices/me/attributes/request/5", #"{"clientKeys":"a, b","sharedKeys":"c"}"#)) == [
            .send(.pubAck(.init(packetIdentifier: 7))), .readAttributes(requestId: "5", clientKeys: ["a", "b"], sharedKeys: ["c"]),
        ])
        let answer = machine.attributesRead(
            requestId: "5", client: [Attribute(key: "a", value: .long(1), lastUpdateTs: 0)],
            shared: [Attribute(key: "c", value: .string("x"), lastUpdateTs: 0)]
        )
        #expect(answer == [.send(.publish(.init(
            topicName: "v1/devices/me/attributes/response/5", payload: ByteBuffer(string: #"{"client":{"a":1},"shared":{"c":"x"}}"#)
        )))])
    }

    @Test func getSessionLimitsIsAnswered() {
        var machine = deviceSession(.v5)
        _ = machine.received(.subscribe(.init(packetIdentifier: 1, subscriptions: [
            .init(topicFilter: "v1/devices/me/rpc/response/+", options: .init(qos: .atLeastOnce))
        ])))
        let actions = machine.received(publish("v1/devices/me/rpc/request/1", #"{"method":"getSessionLimits","params":{"timeout":5000}}"#))
        guard case .publish(let response)? = sent(actions).last else { Issue.record("no response"); return }
        #expect(response.topicName == "v1/devices/me/rpc/response/1")
        #expect(response.qos == .atLeastOnce)
        let json = try? JSONParser.parse(Array(buffer: response.payload))
        #expect(json?["maxPayloadSize"] == .number("4096"))
        #expect(json?["rateLimits"]?["messages"] == .string("0:0,"))
    }

    @Test func sharedAttributeChangesArePushedOnlyToSubscribers() {
        var machine = deviceSession(.v5)
        let change = [Attribute(key: "target", value: .double(21.5), lastUpdateTs: 0)]
        #expect(machine.sharedAttributesChanged(change) == [])
        _ = machine.received(.subscribe(.init(packetIdentifier: 1, subscriptions: [.init(topicFilter: "v1/devices/me/attributes")])))
        #expect(machine.sharedAttributesChanged(change) == [
            .send(.publish(.init(topicName: "v1/devices/me/attributes", payload: ByteBuffer(string: #"{"target":21.5}"#))))
        ])
    }

    @Test func pushesLargerThanTheClientsMaximumPacketSizeAreDropped() {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(.connect(.init(protocolVersion: .v5, properties: [.maximumPacketSize(40)], clientIdentifier: "c", username: "t")))
        _ = machine.authenticated()
        _ = machine.received(.subscribe(.init(packetIdentifier: 1, subscriptions: [.init(topicFilter: "v1/devices/me/attributes")])))
        #expect(machine.sharedAttributesChanged([Attribute(key: "k", value: .long(1), lastUpdateTs: 0)]).count == 1)
        let big = Attribute(key: "k", value: .string(String(repeating: "x", count: 64)), lastUpdateTs: 0)
        #expect(machine.sharedAttributesChanged([big]) == [])
    }

    @Test func clientCertificateAuthenticatesNonProvisioningSessions() {
        let chain = [ClientCertificate(base64DER: "MIIB", commonName: "d1", notValidBefore: 0, notValidAfter: 1)]
        var device = Machine(configuration: configuration, clock: clock)
        device.presentCertificates(chain)
        #expect(device.received(connect(.v5, username: "ignored", password: "ignored")) == [.authenticateCertificates(chain)])
        // X.509 refusals are always "not authorized" (0x87, 3.1.1 0x05)
        #expect(device.authenticationFailed(.unknownCredentials) == [.send(.connAck(.init(reasonCode: .notAuthorized))), .close])
        var provisioning = Machine(configuration: configuration, clock: clock)
        provisioning.presentCertificates(chain)
        #expect(provisioning.received(connect(.v311, username: "provision")) == [.checkProvisionSource])
    }

    @Test(arguments: [MQTTProtocolVersion.v5, .v311])
    func unacknowledgedPublishesAreHeldAgainstTheReceiveMaximum(version: MQTTProtocolVersion) {
        var limited = configuration
        limited.receiveMaximum = 2
        var machine = Machine(configuration: limited, clock: clock)
        _ = machine.received(connect(version, username: "token"))
        _ = machine.authenticated()
        let telemetry = publish("v1/devices/me/telemetry", #"{"t":1}"#)
        #expect(machine.arrived(telemetry) == [])
        #expect(machine.arrived(publish("v1/devices/me/telemetry", "{}", qos: .atMostOnce)) == [])  // QoS 0 is not held
        #expect(machine.arrived(telemetry) == [])
        // An acknowledgement frees a place.
        #expect(machine.devicePublishCompleted(packetIdentifier: 7, .stored) == [.send(.pubAck(.init(packetIdentifier: 7)))])
        #expect(machine.arrived(telemetry) == [])
        // One too many: MQTT 5 closes with 0x93; 3.1.1 has no Receive Maximum.
        let expected: [Action] = version == .v5 ? [.send(.disconnect(.init(reasonCode: .receiveMaximumExceeded))), .close] : []
        #expect(machine.arrived(telemetry) == expected)
    }
}
