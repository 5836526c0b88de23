/// The control packet type: the upper nibble of the first fixed-header byte.
package enum MQTTPacketType: UInt8, Hashable, Sendable, CaseIterable {
    case connect = 1
    case connAck = 2
    case publish = 3
    case pubAck = 4
    case pubRec = 5
    case pubRel = 6
    case pubComp = 7
    case subscribe = 8
    case subAck = 9
    case unsubscribe = 10
    case unsubAck = 11
    case pingReq = 12
    case pingResp = 13
    case disconnect = 14
    /// MQTT 5 only: in 3.1.1 the value 15 is reserved.
    case auth = 15

    /// The flags nibble every packet but PUBLISH must carry (MQTT 5 §2.1.3, 3.1.1 §2.2.2), or `nil` for
    /// PUBLISH, whose flags are DUP, QoS and RETAIN.
    package var requiredFlags: UInt8? {
        switch self {
        case .publish: nil
        case .pubRel, .subscribe, .unsubscribe: 0b0010
        default: 0
        }
    }
}
