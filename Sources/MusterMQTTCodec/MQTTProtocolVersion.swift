/// The MQTT protocol revision a connection speaks, as announced by the client's CONNECT.
///
/// The raw value is the protocol level byte of the CONNECT variable header.
package enum MQTTProtocolVersion: UInt8, Hashable, Sendable, CaseIterable {
    /// MQTT 3.1 (protocol name `MQIsdp`, level 3). Its packets are laid out as in 3.1.1.
    case v31 = 3
    /// MQTT 3.1.1 (protocol name `MQTT`, level 4).
    case v311 = 4
    /// MQTT 5.0 (protocol name `MQTT`, level 5): reason codes and properties everywhere.
    case v5 = 5

    /// The protocol name that CONNECT carries for this level.
    package var protocolName: String {
        switch self {
        case .v31: "MQIsdp"
        case .v311, .v5: "MQTT"
        }
    }

    /// Whether packets carry MQTT 5 reason codes and properties.
    package var hasProperties: Bool { self == .v5 }
}
