import Foundation
import MusterCore
import MusterMQTTCodec
import MusterTestSupport
import NIOCore
import Testing

@testable import MusterMQTT

/// Issue 20's MQTT rules in the session state machine: Session Present, QoS 2 exactly once, and the deadline of a
/// provisioning session that never publishes.
@Suite struct MQTTSessionStateMachineProtocolRulesTests {
    typealias Machine = MQTTSessionHandler.StateMachine

    let clock = MockClock()
    let configuration = MQTTServerConfiguration(provisionRequestTimeoutMilliseconds: 5_000)

    private func connect(_ version: MQTTProtocolVersion, username: String, cleanStart: Bool = true) -> MQTTPacket {
        .connect(.init(protocolVersion: version, cleanStart: cleanStart, keepAlive: 0, clientIdentifier: "c1", username: username))
    }

    private func telemetry(id: UInt16, duplicate: Bool = false, qos: MQTTQoS = .exactlyOnce) -> MQTTPacket {
        .publish(.init(
            topicName: "v1/devices/me/telemetry", payload: ByteBuffer(string: #"{"t":1}"#), qos: qos, duplicate: duplicate,
            packetIdentifier: id
        ))
    }

    private func deviceSession(_ version: MQTTProtocolVersion) -> Machine {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(version, username: "token"))
        _ = machine.authenticated()
        return machine
    }

    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func sessionPresentIsZeroWithoutKeptState(version: MQTTProtocolVersion) {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(version, username: "token", cleanStart: false))
        guard case .send(.connAck(let ack))? = machine.authenticated().first else { Issue.record("no CONNACK"); return }
        #expect(ack.sessionPresent == false)
        #expect(ack.properties.maximumQoS == nil)  // QoS 2 is taken, so no Maximum QoS is announced
    }

    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func qos2IsProcessedOnceAndCompleted(version: MQTTProtocolVersion) {
        var machine = deviceSession(version)
        #expect(machine.received(telemetry(id: 9)) == [.postTelemetry(payload: Array(#"{"t":1}"#.utf8), packetIdentifier: 9)])
        #expect(machine.devicePublishCompleted(packetIdentifier: 9, .stored) == [.send(.pubRec(.init(packetIdentifier: 9)))])
        // A re-send before PUBREL is answered PUBREC again, not stored twice.
        #expect(machine.received(telemetry(id: 9, duplicate: true)) == [.send(.pubRec(.init(packetIdentifier: 9)))])
        #expect(machine.received(.pubRel(.init(packetIdentifier: 9))) == [.send(.pubComp(.init(packetIdentifier: 9)))])
        #expect(machine.awaitingRelease.isEmpty && machine.unacknowledged == 0)
        // Once completed, the identifier is free for a new message.
        #expect(machine.received(telemetry(id: 9)) == [.postTelemetry(payload: Array(#"{"t":1}"#.utf8), packetIdentifier: 9)])
    }

    @Test func pubRelForAnUnknownIdentifierIsCompletedWith0x92OnMQTT5() {
        var machine = deviceSession(.v5)
        #expect(machine.received(.pubRel(.init(packetIdentifier: 4))) == [
            .send(.pubComp(.init(packetIdentifier: 4, reasonCode: .packetIdentifierNotFound)))
        ])
    }

    @Test func refusedQoS2PublishEndsItsFlowOnMQTT5() {
        var machine = deviceSession(.v5)
        _ = machine.received(telemetry(id: 3))
        #expect(machine.devicePublishCompleted(packetIdentifier: 3, .invalidPayload) == [
            .send(.pubRec(.init(packetIdentifier: 3, reasonCode: .payloadFormatInvalid)))
        ])
        #expect(machine.awaitingRelease.isEmpty)
    }

    @Test func qos1WithAnIdentifierAwaitingReleaseBreaksTheProtocol() {
        var machine = deviceSession(.v5)
        _ = machine.received(telemetry(id: 5))
        _ = machine.devicePublishCompleted(packetIdentifier: 5, .stored)
        #expect(machine.received(telemetry(id: 5, qos: .atLeastOnce)) == [
            .send(.disconnect(.init(reasonCode: .packetIdentifierInUse))), .close,
        ])
    }

    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func provisioningSessionThatNeverPublishesIsClosed(version: MQTTProtocolVersion) {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(version, username: "provision"))
        _ = machine.provisionSourceChecked(refused: false)
        clock.advance(by: 4_999)
        #expect(machine.tick() == [])
        clock.advance(by: 1)
        let expected: [MQTTSessionHandler.Action] =
            version == .v5 ? [.send(.disconnect(.init(reasonCode: .maximumConnectTime))), .close] : [.close]
        #expect(machine.tick() == expected)
    }

    @Test func unauthenticatedSessionsAreBounded() {
        let sessions = MQTTConnectionSlots(limit: 2)
        #expect(sessions.enter() && sessions.enter())
        #expect(!sessions.enter())
        sessions.leave()
        #expect(sessions.enter())
        #expect(!sessions.enter())
    }

    @Test func provisioningSessionThatPublishedKeepsItsAnswerDelay() {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(connect(.v311, username: "provision"))
        _ = machine.provisionSourceChecked(refused: false)
        let request = MQTTPacket.publish(.init(
            topicName: "/provision/request", payload: ByteBuffer(string: #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#),
            qos: .atLeastOnce, packetIdentifier: 1
        ))
        _ = machine.received(request)
        clock.advance(by: 10_000)
        #expect(machine.tick() == [])
    }
}
