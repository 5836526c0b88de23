import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Block1/Block2 option values (RFC 7959 §2.2)")
struct CoAPBlockOptionTests {
    @Test(arguments: [
        (UInt32(0), false, UInt8(0), ""),
        (0, true, 3, "0b"),
        (0, false, 6, "06"),
        (15, true, 6, "fe"),
        (16, false, 0, "0100"),
        (4095, true, 2, "fffa"),
        (4096, false, 1, "010001"),
        (CoAPBlockOption.maximumNumber, true, 6, "fffffe"),
    ])
    func minimalEncoding(number: UInt32, more: Bool, exponent: UInt8, hex: String) throws {
        let block = CoAPBlockOption(number: number, more: more, sizeExponent: exponent)
        let option = CoAPOption(.block2, uint: block.value)
        #expect(option.value.hexString == hex)
        #expect(option.value.readableBytes <= 3)

        var message = CoAPMessage(type: .confirmable, code: .get, messageID: 9)
        message.block2 = block
        var buffer = message.encoded()
        #expect(try CoAPMessage.decode(from: &buffer).block2 == block)
    }

    @Test(arguments: 0...6)
    func sizes(exponent: Int) throws {
        let block = CoAPBlockOption(number: 3, more: false, sizeExponent: UInt8(exponent))
        #expect(block.size == 1 << (exponent + 4))
        #expect(block.offset == 3 * block.size)
        #expect(CoAPBlockOption.sizeExponent(forSize: block.size) == UInt8(exponent))
        #expect(CoAPBlockOption(number: 3, more: false, size: block.size) == block)
    }

    @Test func invalidValues() {
        #expect(CoAPBlockOption(value: 0x07) == nil)  // SZX 7
        #expect(CoAPBlockOption(value: 0x0100_0000) == nil)  // more than 3 bytes
        #expect(CoAPBlockOption.sizeExponent(forSize: 2048) == nil)
        #expect(CoAPBlockOption.sizeExponent(forSize: 8) == nil)
        #expect(CoAPBlockOption.sizeExponent(forSize: 100) == nil)
        #expect(CoAPBlockOption(number: 1 << 20, more: false, size: 16) == nil)
    }

    @Test func notation() {
        #expect(CoAPBlockOption(number: 2, more: false, sizeExponent: 3).description == "2/0/128")
        #expect(CoAPBlockOption(number: 0, more: true, sizeExponent: 6).description == "0/1/1024")
    }
}
