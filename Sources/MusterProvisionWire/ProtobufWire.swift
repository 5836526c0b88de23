/// The few protobuf wire rules provisioning needs (proto3: varints and length-delimited fields), written by hand
/// so that no generated code or plugin is needed for two small messages.
enum ProtobufWire {
    /// A field read from a message.
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    struct Malformed: Error {}

    /// The fields of a message, in order, as (number, value); fixed32/fixed64 fields are skipped.
    static func fields(_ bytes: ArraySlice<UInt8>) throws(Malformed) -> [(Int, Value)] {
        var fields: [(Int, Value)] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let key = try varint(bytes, &index)
            let number = Int(key >> 3)
            guard number > 0 else { throw Malformed() }
            switch key & 0x7 {
            case 0:
                fields.append((number, .varint(try varint(bytes, &index))))
            case 2:
                let length = try varint(bytes, &index)
                guard length <= UInt64(bytes.endIndex - index) else { throw Malformed() }
                let end = index + Int(length)
                fields.append((number, .bytes(bytes[index..<end])))
                index = end
            case 1:
                guard bytes.endIndex - index >= 8 else { throw Malformed() }
                index += 8
            case 5:
                guard bytes.endIndex - index >= 4 else { throw Malformed() }
                index += 4
            default:
                throw Malformed()
            }
        }
        return fields
    }

    private static func varint(_ bytes: ArraySlice<UInt8>, _ index: inout Int) throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw Malformed()
    }

    /// The UTF-8 text of a length-delimited field.
    static func string(_ value: Value) throws(Malformed) -> String {
        guard case .bytes(let slice) = value, let text = String(validating: slice, as: UTF8.self) else { throw Malformed() }
        return text
    }

    /// Appends a varint field.
    static func appendVarint(_ number: Int, _ value: UInt64, to out: inout [UInt8]) {
        appendRawVarint(UInt64(number << 3), to: &out)
        appendRawVarint(value, to: &out)
    }

    /// Appends a string field.
    static func appendString(_ number: Int, _ text: String, to out: inout [UInt8]) {
        appendRawVarint(UInt64(number << 3 | 2), to: &out)
        appendRawVarint(UInt64(text.utf8.count), to: &out)
        out.append(contentsOf: text.utf8)
    }

    private static func appendRawVarint(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }
}
