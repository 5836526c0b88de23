import NIOCore

extension ByteBuffer {
    /// Reads the MQTT 5 reason code and properties that end PUBACK/PUBREC/PUBREL/PUBCOMP, DISCONNECT and AUTH bodies.
    /// Both may be left out from the end, leaving `defaultCode` and no properties (MQTT 5 §3.4.2.1, §3.14.2.1,
    /// §3.15.2.1).
    /// - Parameters:
    ///   - packet: The packet being read (for the reason-code check and errors).
    ///   - defaultCode: The reason code of an empty body.
    ///   - propertiesOptional: Whether a reason code may stand alone (AUTH requires the properties after it).
    /// - Returns: The reason code and properties.
    /// - Throws: ``MQTTDecodeError/invalidReasonCode(packet:code:)`` or a field error.
    mutating func readMQTTReasonCodeAndProperties(
        packet: MQTTPacketType, default defaultCode: MQTTReasonCode, propertiesOptional: Bool = true
    ) throws(MQTTDecodeError) -> (MQTTReasonCode, MQTTProperties) {
        guard readableBytes > 0 else { return (defaultCode, []) }
        let code = try readMQTTInteger(as: UInt8.self, packet: packet, field: .reasonCode)
        guard let reasonCode = MQTTReasonCode(rawValue: code), reasonCode.isAllowed(in: packet) else {
            throw .invalidReasonCode(packet: packet, code: code)
        }
        guard readableBytes > 0 || !propertiesOptional else { return (reasonCode, []) }
        return (reasonCode, try .read(from: &self, packet: packet))
    }

    /// Writes a reason code and properties in their shortest form: nothing for `defaultCode` without properties, and
    /// no property length when there are none (unless `propertiesOptional` is false, as for AUTH).
    mutating func writeMQTTReasonCodeAndProperties(
        _ reasonCode: MQTTReasonCode, _ properties: MQTTProperties, default defaultCode: MQTTReasonCode,
        propertiesOptional: Bool = true
    ) {
        guard reasonCode != defaultCode || !properties.isEmpty else { return }
        writeInteger(reasonCode.rawValue)
        if !properties.isEmpty || !propertiesOptional { properties.write(to: &self) }
    }
}
