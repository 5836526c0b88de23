// Fixture provenance: "paho" fixtures were captured from paho-mqtt 2.2.0 (PyPI) clients, "mosquitto" and
// "mosquitto_pub"/"mosquitto_sub" ones from Debian's mosquitto 2.0.11 broker and clients, all on loopback through
// the recording proxy in scripts/capture-mqtt-fixtures/. "spec" fixtures are written from the MQTT 3.1.1 / 5.0
// specifications' field layouts.
import MusterMQTTCodec
import NIOCore
import NIOTestUtils
import Testing

/// Bytes from a hex string; spaces and newlines are ignored.
func bytes(_ hex: String) -> ByteBuffer {
    let digits = hex.filter { !$0.isWhitespace }
    precondition(digits.count.isMultiple(of: 2), "a hex fixture needs an even number of digits: \(hex)")
    var buffer = ByteBuffer()
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else {
            preconditionFailure("not a hex byte in fixture: \(digits[index..<next])")
        }
        buffer.writeInteger(byte)
        index = next
    }
    return buffer
}

/// A packet built from its first byte and its body in hex, with the remaining length computed: for hostile
/// fixtures whose framing must be right so the body error is the one reported.
func frame(_ firstByte: UInt8, _ bodyHex: String) -> ByteBuffer {
    var body = bytes(bodyHex)
    var buffer = ByteBuffer()
    buffer.writeInteger(firstByte)
    buffer.writeMQTTVariableByteInteger(body.readableBytes)
    buffer.writeBuffer(&body)
    return buffer
}

/// Two lowercase hex digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

/// Hex of an ASCII string, for building fixtures readably.
func ascii(_ string: String) -> String {
    string.utf8.map(hexByte).joined()
}

/// An MQTT string field (two-byte length, then the bytes) in hex.
func mqttString(_ string: String) -> String {
    let count = string.utf8.count
    return hexByte(UInt8(count >> 8)) + hexByte(UInt8(count & 0xFF)) + ascii(string)
}

/// Hex of a buffer, for messages.
func hex(_ buffer: ByteBuffer) -> String {
    buffer.readableBytesView.map(hexByte).joined()
}

/// Decodes exactly one packet from `input` with a decoder that already knows `version` (or learns it, if nil).
func decodeOne(_ input: ByteBuffer, version: MQTTProtocolVersion?) throws -> MQTTPacket? {
    var decoder = MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(version))
    var buffer = input
    let packet = try decoder.decode(buffer: &buffer)
    #expect(buffer.readableBytes == 0, "decoder left \(buffer.readableBytes) bytes")
    return packet
}

/// The decode error `input` raises, or `nil` if it decodes (or needs more data).
func decodeError(
    _ input: ByteBuffer,
    version: MQTTProtocolVersion?,
    maximumPacketSize: Int = 65_536
) -> MQTTDecodeError? {
    var decoder = MQTTPacketDecoder(
        maximumPacketSize: maximumPacketSize,
        connectionVersion: MQTTConnectionVersion(version)
    )
    var buffer = input
    do {
        _ = try decoder.decode(buffer: &buffer)
        return nil
    } catch let error as MQTTDecodeError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// Encodes `packet` for `version`.
func encode(_ packet: MQTTPacket, version: MQTTProtocolVersion) -> ByteBuffer {
    var buffer = ByteBuffer()
    MQTTPacketEncoder(version: version).encode(data: packet, out: &buffer)
    return buffer
}

/// A valid fixture: bytes, where they come from, and the packet they must decode to.
struct PacketFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var version: MQTTProtocolVersion
    var hex: String
    var packet: MQTTPacket

    init(_ name: String, _ version: MQTTProtocolVersion, _ hex: String, _ packet: MQTTPacket) {
        self.name = name
        self.version = version
        self.hex = hex
        self.packet = packet
    }

    var testDescription: String { name }
    var input: ByteBuffer { bytes(hex) }
}

/// The checks every valid fixture gets: decodes to the expected packet, passes ``ByteToMessageDecoderVerifier``
/// (whole, byte by byte, many at once), and re-encodes to the same bytes.
func verifyFixture(_ fixture: PacketFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
    // Given the captured bytes, when decoded, then the packet is the expected one.
    let decoded = try decodeOne(fixture.input, version: fixture.version)
    #expect(decoded == fixture.packet, sourceLocation: sourceLocation)

    // Delivered whole, byte by byte and batched, the decoder yields exactly that packet each time.
    try ByteToMessageDecoderVerifier.verifyDecoder(
        inputOutputPairs: [(fixture.input, [fixture.packet])],
        decoderFactory: { MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(fixture.version)) }
    )

    // Encoding the expected packet gives the captured bytes back, and they decode to it again.
    let encoded = encode(fixture.packet, version: fixture.version)
    #expect(hex(encoded) == hex(fixture.input), sourceLocation: sourceLocation)
    #expect(try decodeOne(encoded, version: fixture.version) == fixture.packet, sourceLocation: sourceLocation)
}

/// A hostile fixture: bytes and the error they must raise.
struct HostileFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var version: MQTTProtocolVersion?
    var input: ByteBuffer
    var error: MQTTDecodeError

    init(_ name: String, _ version: MQTTProtocolVersion?, _ input: ByteBuffer, _ error: MQTTDecodeError) {
        self.name = name
        self.version = version
        self.input = input
        self.error = error
    }

    var testDescription: String { name }
}

/// `payload` as a buffer.
func payload(_ string: String) -> ByteBuffer {
    ByteBuffer(string: string)
}
