import Foundation
import MusterCore
import MusterMQTTCodec
import MusterTestSupport
import Testing

@testable import MusterMQTT

/// Issue 20: how a device session ends when its device is revoked or its client id is taken over, and the client id
/// table that decides takeovers.
@Suite struct MQTTSessionRevocationTests {
    typealias Machine = MQTTSessionHandler.StateMachine

    let clock = MockClock()
    let configuration = MQTTServerConfiguration(maximumPacketSize: 4096, provisionSessionTimeoutMilliseconds: 60_000)

    private func session(_ version: MQTTProtocolVersion, username: String) -> Machine {
        var machine = Machine(configuration: configuration, clock: clock)
        _ = machine.received(.connect(.init(protocolVersion: version, cleanStart: true, keepAlive: 0, clientIdentifier: "c1", username: username)))
        if username == "provision" {
            _ = machine.provisionSourceChecked(refused: false)
        } else {
            _ = machine.authenticated()
        }
        return machine
    }

    private func disconnect(_ code: MQTTReasonCode, _ text: String) -> MQTTPacket {
        var properties: MQTTProperties = []
        properties.reasonString = text
        return .disconnect(.init(reasonCode: code, properties: properties))
    }

    @Test func revokedMQTT5SessionGetsAdministrativeActionThenCloses() {
        var changed = session(.v5, username: "token")
        #expect(changed.revoked(.credentialsChanged) == [.send(disconnect(.administrativeAction, "device credentials updated")), .close])
        #expect(changed.phase == .closed)
        var deleted = session(.v5, username: "token")
        #expect(deleted.revoked(.deviceDeleted) == [.send(disconnect(.administrativeAction, "device deleted")), .close])
        // once closed, nothing more
        #expect(deleted.revoked(.deviceDeleted) == [])
        #expect(deleted.takenOver() == [])
    }

    @Test func revokedMQTT311SessionIsClosedWithoutDisconnect() {
        var machine = session(.v311, username: "token")
        #expect(machine.revoked(.credentialsChanged) == [.close])
        var other = session(.v311, username: "token")
        #expect(other.takenOver() == [.close])
    }

    @Test func takenOverMQTT5SessionGetsSessionTakenOver() {
        var machine = session(.v5, username: "token")
        #expect(machine.takenOver() == [.send(disconnect(.sessionTakenOver, "session taken over")), .close])
    }

    @Test func provisioningAndUnauthenticatedSessionsAreNotDeviceSessions() {
        var provisioning = session(.v5, username: "provision")
        #expect(provisioning.revoked(.credentialsChanged) == [])
        #expect(provisioning.takenOver() == [])
        #expect(provisioning.phase == .provisioning)
        var authenticating = Machine(configuration: configuration, clock: clock)
        _ = authenticating.received(.connect(.init(protocolVersion: .v5, cleanStart: true, keepAlive: 0, clientIdentifier: "c1", username: "t")))
        #expect(authenticating.takenOver() == [])
        #expect(authenticating.phase == .authenticating)
    }

    @Test func aNewerClaimEndsTheOlderHolderOnly() {
        let table = MQTTClientIdentifierTable()
        let (first, second, third) = (UUID(), UUID(), UUID())
        #expect(table.claim("same", session: first) {} == nil)
        #expect(table.claim("other", session: third) {} == nil)
        #expect(table.claim("same", session: second) {} != nil)
        // the older session ending later does not release the newer one's claim
        table.release("same", session: first)
        #expect(table.count == 2)
        table.release("same", session: second)
        table.release("other", session: third)
        #expect(table.count == 0)
    }
}
