import MusterCoAPCodec
import Testing

@Suite("Codes, types and tokens")
struct CoAPCodeTests {
    @Test(arguments: [
        (CoAPCode.empty, "0.00", UInt8(0x00)), (.get, "0.01", 0x01), (.post, "0.02", 0x02), (.put, "0.03", 0x03),
        (.delete, "0.04", 0x04), (.fetch, "0.05", 0x05), (.created, "2.01", 0x41), (.changed, "2.04", 0x44),
        (.content, "2.05", 0x45), (.continue, "2.31", 0x5F), (.badRequest, "4.00", 0x80),
        (.unauthorized, "4.01", 0x81), (.badOption, "4.02", 0x82), (.notFound, "4.04", 0x84),
        (.methodNotAllowed, "4.05", 0x85), (.requestEntityIncomplete, "4.08", 0x88),
        (.requestEntityTooLarge, "4.13", 0x8D), (.unsupportedContentFormat, "4.15", 0x8F),
        (.tooManyRequests, "4.29", 0x9D), (.internalServerError, "5.00", 0xA0), (.serviceUnavailable, "5.03", 0xA3),
    ])
    func wireValues(code: CoAPCode, text: String, byte: UInt8) {
        #expect(code.description == text)
        #expect(code.rawValue == byte)
    }

    @Test func classes() {
        #expect(CoAPCode.get.isRequest && !CoAPCode.get.isResponse)
        #expect(CoAPCode.content.isResponse && !CoAPCode.content.isRequest)
        #expect(CoAPCode.empty.isEmpty && !CoAPCode.empty.isRequest)
        #expect(CoAPCode(class: 1, detail: 0).isReservedClass)
        #expect(CoAPCode(class: 7, detail: 31).isReservedClass)
        #expect(!CoAPCode.tooManyRequests.isReservedClass)
    }

    @Test func typeNames() {
        #expect(CoAPMessageType.allCases.map(\.description) == ["CON", "NON", "ACK", "RST"])
    }

    @Test func tokens() {
        #expect(CoAPToken(bytes: []) == .empty)
        #expect(CoAPToken(bytes: [0, 0])?.count == 2)
        #expect(CoAPToken(bytes: [0, 0]) != CoAPToken(bytes: [0]))
        #expect(CoAPToken(bytes: Array(1...8))?.bytes == Array(1...8))
        #expect(CoAPToken(bytes: Array(1...9)) == nil)
        #expect(CoAPToken(bytes: [0xAB])!.description == "CoAPToken(1 bytes)")
    }
}
