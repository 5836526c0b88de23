import NIOCore

/// Any MQTT control packet, in either direction.
///
/// Each packet type lives in `Packets/MQTTPacket+<Type>.swift` with a `read(from:version:)` that consumes the
/// whole body and a `write(to:version:)` that writes the body; ``read(fixedHeader:body:version:)`` and
/// ``write(to:version:)`` add the fixed header around them.
package enum MQTTPacket: Hashable, Sendable {
    case connect(Connect)
    case connAck(ConnAck)
    case publish(Publish)
    case pubAck(PubAck)
    /// QoS 2, step 1 (PUBACK layout).
    case pubRec(PubAck)
    /// QoS 2, step 2 (PUBACK layout).
    case pubRel(PubAck)
    /// QoS 2, step 3 (PUBACK layout).
    case pubComp(PubAck)
    case subscribe(Subscribe)
    case subAck(SubAck)
    case unsubscribe(Unsubscribe)
    case unsubAck(UnsubAck)
    case pingReq(PingReq)
    case pingResp(PingResp)
    case disconnect(Disconnect)
    /// MQTT 5 only.
    case auth(Auth)

    /// The packet type.
    package var type: MQTTPacketType {
        switch self {
        case .connect: .connect
        case .connAck: .connAck
        case .publish: .publish
        case .pubAck: .pubAck
        case .pubRec: .pubRec
        case .pubRel: .pubRel
        case .pubComp: .pubComp
        case .subscribe: .subscribe
        case .subAck: .subAck
        case .unsubscribe: .unsubscribe
        case .unsubAck: .unsubAck
        case .pingReq: .pingReq
        case .pingResp: .pingResp
        case .disconnect: .disconnect
        case .auth: .auth
        }
    }

    /// Decodes the body of a framed packet.
    /// - Parameters:
    ///   - fixedHeader: The fixed header, already checked by ``MQTTFrameParser``.
    ///   - body: Exactly the packet's body; fully consumed on success.
    ///   - version: The connection's protocol version. CONNECT ignores it: its own protocol level decides.
    /// - Returns: The packet.
    /// - Throws: A ``MQTTDecodeError`` naming the packet and the field.
    package static func read(
        fixedHeader: MQTTFixedHeader,
        body: inout ByteBuffer,
        version: MQTTProtocolVersion
    ) throws(MQTTDecodeError) -> Self {
        switch fixedHeader.type {
        case .connect: .connect(try .read(from: &body))
        case .connAck: .connAck(try .read(from: &body, version: version))
        case .publish: .publish(try .read(from: &body, flags: fixedHeader.flags, version: version))
        case .pubAck: .pubAck(try .read(from: &body, version: version, packet: .pubAck))
        case .pubRec: .pubRec(try .read(from: &body, version: version, packet: .pubRec))
        case .pubRel: .pubRel(try .read(from: &body, version: version, packet: .pubRel))
        case .pubComp: .pubComp(try .read(from: &body, version: version, packet: .pubComp))
        case .subscribe: .subscribe(try .read(from: &body, version: version))
        case .subAck: .subAck(try .read(from: &body, version: version))
        case .unsubscribe: .unsubscribe(try .read(from: &body, version: version))
        case .unsubAck: .unsubAck(try .read(from: &body, version: version))
        case .pingReq: .pingReq(try .read(from: &body, version: version))
        case .pingResp: .pingResp(try .read(from: &body, version: version))
        case .disconnect: .disconnect(try .read(from: &body, version: version))
        case .auth: .auth(try .read(from: &body, version: version))
        }
    }

    /// Encodes the whole packet, fixed header included.
    /// - Parameters:
    ///   - buffer: The buffer to append to.
    ///   - version: The connection's protocol version. CONNECT uses its own ``Connect/protocolVersion``.
    package func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
        let flags = if case .publish(let publish) = self { publish.flags } else { type.requiredFlags ?? 0 }
        buffer.writeMQTTFrame(type: type, flags: flags) { body in
            switch self {
            case .connect(let packet): packet.write(to: &body)
            case .connAck(let packet): packet.write(to: &body, version: version)
            case .publish(let packet): packet.write(to: &body, version: version)
            case .pubAck(let packet), .pubRec(let packet), .pubRel(let packet), .pubComp(let packet):
                packet.write(to: &body, version: version)
            case .subscribe(let packet): packet.write(to: &body, version: version)
            case .subAck(let packet): packet.write(to: &body, version: version)
            case .unsubscribe(let packet): packet.write(to: &body, version: version)
            case .unsubAck(let packet): packet.write(to: &body, version: version)
            case .pingReq(let packet): packet.write(to: &body, version: version)
            case .pingResp(let packet): packet.write(to: &body, version: version)
            case .disconnect(let packet): packet.write(to: &body, version: version)
            case .auth(let packet): packet.write(to: &body, version: version)
            }
        }
    }
}
