import MusterCoAPCodec
import MusterCore
import MusterMQTTCodec
import MusterProvisionWire
import NIOCore

/// The parsers that read bytes from the network or a file, one fuzz target each. A target returns normally for any
/// input its parser accepts or refuses with an error; it traps (a finding) on a crash, a hang the fuzzer times out,
/// or a broken invariant (a decoded message that does not survive its own re-encoding).
enum FuzzTarget: String, CaseIterable {
    case mqtt, coap, csv, json, provision, multipart, block, x509, telemetry, `import`

    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .mqtt: Self.mqtt(bytes)
        case .coap: Self.coap(bytes)
        case .csv: Self.csv(bytes)
        case .json: Self.json(bytes)
        case .provision: Self.provision(bytes)
        case .multipart: Self.multipartReader(bytes)
        case .block: Self.blockAssembler(bytes)
        case .x509: Self.x509Chains(bytes)
        case .telemetry: Self.telemetryPayloads(bytes)
        case .import: Self.importRows(bytes)
        }
    }

    /// The MQTT 3.1.1 and 5 packet decoder over a stream of packets, as a connection feeds it (first byte: version).
    private static func mqtt(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let version: MQTTProtocolVersion = first & 1 == 0 ? .v311 : .v5
        var decoder = MQTTPacketDecoder(maximumPacketSize: 4096, connectionVersion: MQTTConnectionVersion(version))
        var buffer = ByteBuffer(bytes: bytes.dropFirst())
        while let packet = try? decoder.decode(buffer: &buffer) {
            var encoded = ByteBuffer()
            packet.write(to: &encoded, version: version)
        }
    }

    /// The CoAP message decoder; whatever decodes must re-encode to a message that decodes to the same value.
    private static func coap(_ bytes: UnsafeBufferPointer<UInt8>) {
        var buffer = ByteBuffer(bytes: bytes)
        guard let message = try? CoAPMessage.decode(from: &buffer) else { return }
        var again = message.encoded()
        guard let decoded = try? CoAPMessage.decode(from: &again), decoded == message else {
            fatalError("a decoded CoAP message does not survive its re-encoding")
        }
    }

    /// The streaming CSV scanner, fed in two chunks split where the first byte says (first byte: delimiter choice).
    private static func csv(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), 9]
        var scanner = CSVScanner(
            delimiter: delimiters[Int(first) % delimiters.count], limits: CSVLimits(maxFieldBytes: 256, maxFieldsPerRecord: 16, maxRecordBytes: 1024))
        let body = bytes.dropFirst()
        let split = body.startIndex + (body.isEmpty ? 0 : Int(first) % (body.count + 1))
        do {
            try scanner.feed(body[body.startIndex..<split]) { _ in }
            try scanner.feed(body[split..<body.endIndex]) { _ in }
            try scanner.finish { _ in }
        } catch {}
    }

    /// The JSON parser of every device and admin payload; what parses must serialize and parse to the same value.
    private static func json(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let value = try? JSONParser.parse(bytes, maxDepth: 32) else { return }
        guard let again = try? JSONParser.parse(value.serialized, maxDepth: 33), again == value else {
            fatalError("a parsed JSON value does not survive its serialization")
        }
    }

    /// The provisioning request reader (JSON or ThingsBoard's protobuf, told apart by content).
    private static func provision(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = try? ProvisionPayload.decode(Array(bytes))
    }
}
