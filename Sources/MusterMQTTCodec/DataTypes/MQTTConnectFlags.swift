/// The CONNECT flags byte (MQTT 5 §3.1.2.3, 3.1.1 §3.1.2.2).
package struct MQTTConnectFlags: OptionSet, Hashable, Sendable {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Bit 0, which must be zero.
    package static let reserved = Self(rawValue: 1 << 0)
    /// Clean Session (3.1.1) / Clean Start (5).
    package static let cleanStart = Self(rawValue: 1 << 1)
    /// A will message follows the client identifier.
    package static let will = Self(rawValue: 1 << 2)
    /// The low bit of the will QoS.
    package static let willQoSLow = Self(rawValue: 1 << 3)
    /// The high bit of the will QoS.
    package static let willQoSHigh = Self(rawValue: 1 << 4)
    /// The will message is retained.
    package static let willRetain = Self(rawValue: 1 << 5)
    /// A password follows.
    package static let password = Self(rawValue: 1 << 6)
    /// A user name follows.
    package static let username = Self(rawValue: 1 << 7)

    /// The will QoS bits as a number, 0 to 3.
    package var willQoSBits: UInt8 { (rawValue >> 3) & 0b11 }

    /// Flags with the will QoS bits set to `qos`.
    package static func willQoS(_ qos: MQTTQoS) -> Self { Self(rawValue: qos.rawValue << 3) }
}
