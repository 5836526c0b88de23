import NIOCore

extension MQTTPacket {
    /// CONNECT: the first packet a client sends (MQTT 5 §3.1, 3.1.1 §3.1).
    package struct Connect: Hashable, Sendable {
        /// The protocol level the client announced; the rest of the connection is read with it.
        package var protocolVersion: MQTTProtocolVersion
        /// Clean Session (3.1.1) / Clean Start (5).
        package var cleanStart: Bool
        /// Keep-alive in seconds; 0 turns it off.
        package var keepAlive: UInt16
        /// CONNECT properties (MQTT 5 only; empty otherwise).
        package var properties: MQTTProperties
        /// The client identifier; may be empty, in which case the server assigns one.
        package var clientIdentifier: String
        /// The will message, if the will flag is set.
        package var will: Will?
        /// The user name, if the user name flag is set.
        package var username: String?
        /// The password, if the password flag is set. Never printed by ``description``.
        package var password: [UInt8]?

        package init(
            protocolVersion: MQTTProtocolVersion,
            cleanStart: Bool = true,
            keepAlive: UInt16 = 60,
            properties: MQTTProperties = [],
            clientIdentifier: String,
            will: Will? = nil,
            username: String? = nil,
            password: [UInt8]? = nil
        ) {
            self.protocolVersion = protocolVersion
            self.cleanStart = cleanStart
            self.keepAlive = keepAlive
            self.properties = properties
            self.clientIdentifier = clientIdentifier
            self.will = will
            self.username = username
            self.password = password
        }

        /// The CONNECT flags byte these fields produce.
        package var flags: MQTTConnectFlags {
            var flags: MQTTConnectFlags = []
            if cleanStart { flags.insert(.cleanStart) }
            if let will {
                flags.formUnion([.will, .willQoS(will.qos)])
                if will.retain { flags.insert(.willRetain) }
            }
            if username != nil { flags.insert(.username) }
            if password != nil { flags.insert(.password) }
            return flags
        }

        /// The will message of a CONNECT.
        package struct Will: Hashable, Sendable {
            package var topic: String
            package var payload: ByteBuffer
            package var qos: MQTTQoS
            package var retain: Bool
            /// Will properties (MQTT 5 only; empty otherwise).
            package var properties: MQTTProperties

            package init(
                topic: String,
                payload: ByteBuffer,
                qos: MQTTQoS = .atMostOnce,
                retain: Bool = false,
                properties: MQTTProperties = []
            ) {
                self.topic = topic
                self.payload = payload
                self.qos = qos
                self.retain = retain
                self.properties = properties
            }
        }
    }
}

extension MQTTPacket.Connect {
    /// Reads the protocol level from a CONNECT body without consuming it, so the decoder knows the connection's
    /// version even when the rest of the CONNECT turns out malformed (and can answer in the right CONNACK format).
    /// - Parameter body: A CONNECT body.
    /// - Returns: The version, or `nil` if the name or level is missing or unknown.
    package static func peekProtocolVersion(_ body: ByteBuffer) -> MQTTProtocolVersion? {
        var body = body
        guard let nameLength = body.readInteger(as: UInt16.self),
            body.readSlice(length: Int(nameLength)) != nil,
            let level = body.readInteger(as: UInt8.self)
        else { return nil }
        return MQTTProtocolVersion(rawValue: level)
    }

    /// Reads a CONNECT body. The protocol level inside the body decides how the rest is read.
    /// - Parameter body: The body; fully consumed on success.
    /// - Returns: The packet.
    /// - Throws: A ``MQTTDecodeError`` naming the offending field.
    package static func read(from body: inout ByteBuffer) throws(MQTTDecodeError) -> Self {
        let name = try body.readMQTTString(packet: .connect, field: .protocolName)
        let level = try body.readMQTTInteger(as: UInt8.self, packet: .connect, field: .protocolLevel)
        let version: MQTTProtocolVersion
        switch (name, level) {
        case ("MQIsdp", 3): version = .v31
        case ("MQTT", 4): version = .v311
        case ("MQTT", 5): version = .v5
        case ("MQTT", _), ("MQIsdp", _): throw .unsupportedProtocolLevel(level)
        default: throw .invalidProtocolName
        }

        let flags = MQTTConnectFlags(
            rawValue: try body.readMQTTInteger(as: UInt8.self, packet: .connect, field: .connectFlags)
        )
        try validate(flags, version: version)
        let keepAlive = try body.readMQTTInteger(as: UInt16.self, packet: .connect, field: .keepAlive)
        let properties: MQTTProperties = version.hasProperties ? try .read(from: &body, packet: .connect) : []
        let clientIdentifier = try body.readMQTTString(packet: .connect, field: .clientIdentifier)

        var will: Will?
        if flags.contains(.will) {
            let willProperties: MQTTProperties =
                version.hasProperties ? try .read(from: &body, packet: .connect, will: true) : []
            let topic = try body.readMQTTString(packet: .connect, field: .willTopic)
            guard let payloadLength = body.readInteger(as: UInt16.self),
                let payload = body.readSlice(length: Int(payloadLength))
            else { throw .truncated(packet: .connect, field: .willPayload) }
            will = Will(
                topic: topic,
                payload: payload,
                // validate(_:version:) has rejected QoS 3.
                qos: MQTTQoS(rawValue: flags.willQoSBits) ?? .atMostOnce,
                retain: flags.contains(.willRetain),
                properties: willProperties
            )
        }
        let username = flags.contains(.username) ? try body.readMQTTString(packet: .connect, field: .username) : nil
        let password = flags.contains(.password) ? try body.readMQTTBinary(packet: .connect, field: .password) : nil
        try body.expectMQTTBodyConsumed(packet: .connect)

        return Self(
            protocolVersion: version,
            cleanStart: flags.contains(.cleanStart),
            keepAlive: keepAlive,
            properties: properties,
            clientIdentifier: clientIdentifier,
            will: will,
            username: username,
            password: password
        )
    }

    private static func validate(_ flags: MQTTConnectFlags, version: MQTTProtocolVersion) throws(MQTTDecodeError) {
        guard !flags.contains(.reserved) else { throw .reservedBits(packet: .connect, field: .connectFlags) }
        guard flags.willQoSBits != 3 else { throw .invalidQoS(packet: .connect) }
        if !flags.contains(.will), flags.willQoSBits != 0 || flags.contains(.willRetain) {
            throw .inconsistentConnectFlags(flags)
        }
        // 3.1.1 §3.1.2.9: no password without a user name. MQTT 5 allows it.
        if version != .v5, flags.contains(.password), !flags.contains(.username) {
            throw .inconsistentConnectFlags(flags)
        }
    }

    /// Writes the CONNECT body for ``protocolVersion`` (the `version` argument is the connection's, which a
    /// CONNECT defines itself).
    /// - Parameters:
    ///   - buffer: The buffer to append to.
    ///   - version: Ignored; present for symmetry with the other packets.
    package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion? = nil) {
        buffer.writeMQTTString(protocolVersion.protocolName)
        buffer.writeInteger(protocolVersion.rawValue)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(keepAlive)
        if protocolVersion.hasProperties { properties.write(to: &buffer) }
        buffer.writeMQTTString(clientIdentifier)
        if let will {
            if protocolVersion.hasProperties { will.properties.write(to: &buffer) }
            buffer.writeMQTTString(will.topic)
            buffer.writeMQTTBinary(will.payload.readableBytesView)
        }
        if let username { buffer.writeMQTTString(username) }
        if let password { buffer.writeMQTTBinary(password) }
    }
}

extension MQTTPacket.Connect: CustomStringConvertible {
    /// A summary that leaves out the password and the will payload.
    package var description: String {
        "CONNECT(\(protocolVersion), clientIdentifier: \"\(clientIdentifier)\", cleanStart: \(cleanStart), "
            + "keepAlive: \(keepAlive), username: \(username.map { "\"\($0)\"" } ?? "nil"), "
            + "password: \(password == nil ? "nil" : "<redacted>"), will: \(will.map { "\"\($0.topic)\"" } ?? "nil"), "
            + "properties: \(properties.all.count))"
    }
}
