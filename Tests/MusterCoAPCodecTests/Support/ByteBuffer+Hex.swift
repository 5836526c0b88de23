import NIOCore

extension ByteBuffer {
    /// A buffer from hex text; whitespace and newlines are ignored. Traps on a malformed fixture.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: preconditionFailure("a hex fixture holds only hex digits and whitespace")
            }
        }
        precondition(digits.count.isMultiple(of: 2), "a hex fixture has an even number of digits")
        self.init(bytes: stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] })
    }

    /// The readable bytes as lowercase hex.
    var hexString: String {
        readableBytesView.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
