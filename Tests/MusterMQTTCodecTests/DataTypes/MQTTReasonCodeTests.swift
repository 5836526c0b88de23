import MusterMQTTCodec
import Testing

@Suite("Reason codes")
struct MQTTReasonCodeTests {
    @Test func aliasesShareValues() {
        #expect(MQTTReasonCode.normalDisconnection.rawValue == 0)
        #expect(MQTTReasonCode.grantedQoS0.rawValue == 0)
        #expect(MQTTReasonCode.allCases.count == 43)
    }

    @Test(arguments: MQTTConnectReturnCode.allCases)
    func connectReturnCodesRoundTrip(_ returnCode: MQTTConnectReturnCode) {
        #expect(MQTTConnectReturnCode(MQTTReasonCode(returnCode)) == returnCode)
    }

    @Test(arguments: MQTTReasonCode.allCases.filter { $0.isAllowed(in: .connAck) })
    func everyConnAckReasonCodeHasAReturnCode(_ reasonCode: MQTTReasonCode) {
        let returnCode = MQTTConnectReturnCode(reasonCode)
        #expect((returnCode == .accepted) == (reasonCode == .success))
    }

    @Test func packetTables() {
        #expect(MQTTReasonCode.noMatchingSubscribers.isAllowed(in: .pubAck))
        #expect(!MQTTReasonCode.noMatchingSubscribers.isAllowed(in: .pubComp))
        #expect(MQTTReasonCode.topicFilterInvalid.isAllowed(in: .subAck))
        #expect(MQTTReasonCode.noSubscriptionExisted.isAllowed(in: .unsubAck))
        #expect(MQTTReasonCode.serverShuttingDown.isAllowed(in: .disconnect))
        #expect(!MQTTReasonCode.serverShuttingDown.isAllowed(in: .connAck))
        #expect(MQTTReasonCode.packetTooLarge.isAllowed(in: .connAck))
        #expect(MQTTReasonCode.disconnectWithWillMessage.isAllowed(in: .disconnect))
    }
}
