import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Block2 slicing")
struct CoAPBlockSlicerTests {
    /// 100 bytes: 0, 1, 2, … 99.
    private let body = ByteBuffer(bytes: (0..<100).map { UInt8($0) })

    @Test func smallBodyGoesWholeWithoutBlock2() throws {
        let slice = try CoAPBlockSlicer.slice(body, requested: nil)
        #expect(slice.payload == body)
        #expect(slice.block2 == nil)
        #expect(slice.size2 == nil)
    }

    @Test func largeBodyStartsWithBlockZeroAndSize2() throws {
        let slice = try CoAPBlockSlicer.slice(body, requested: nil, preferredSizeExponent: 1)
        #expect(slice.payload == body.getSlice(at: 0, length: 32))
        #expect(slice.block2 == CoAPBlockOption(number: 0, more: true, sizeExponent: 1))
        #expect(slice.size2 == 100)
    }

    @Test func requestedBlocksWalkTheBody() throws {
        var collected = ByteBuffer()
        var number: UInt32 = 0
        while true {
            let requested = CoAPBlockOption(number: number, more: false, sizeExponent: 1)
            let slice = try CoAPBlockSlicer.slice(body, requested: requested)
            collected.writeImmutableBuffer(slice.payload)
            let block2 = try #require(slice.block2)
            #expect(block2.number == number)
            #expect(block2.sizeExponent == 1)
            guard block2.more else { break }
            number += 1
        }
        #expect(number == 3)
        #expect(collected == body)
    }

    @Test func largerRequestedSizeIsReducedAndRenumbered() throws {
        // Block 1 of 64 bytes starts at byte 64, which is block 2 of 32 bytes
        let requested = CoAPBlockOption(number: 1, more: false, sizeExponent: 2)
        let slice = try CoAPBlockSlicer.slice(body, requested: requested, preferredSizeExponent: 1)
        #expect(slice.block2 == CoAPBlockOption(number: 2, more: true, sizeExponent: 1))
        #expect(slice.payload == body.getSlice(at: 64, length: 32))
    }

    @Test func lastBlockIsShort() throws {
        let requested = CoAPBlockOption(number: 6, more: false, sizeExponent: 0)
        let slice = try CoAPBlockSlicer.slice(body, requested: requested)
        #expect(slice.payload == body.getSlice(at: 96, length: 4))
        #expect(slice.block2 == CoAPBlockOption(number: 6, more: false, sizeExponent: 0))
        #expect(slice.size2 == nil)
    }

    @Test func blockPastTheEndIsRejected() {
        let requested = CoAPBlockOption(number: 7, more: false, sizeExponent: 0)
        #expect(throws: CoAPBlockSlicer.SliceError.blockOutOfRange(number: 7, bodySize: 100)) {
            try CoAPBlockSlicer.slice(body, requested: requested)
        }
    }

    @Test func emptyBodyWithBlockZero() throws {
        let slice = try CoAPBlockSlicer.slice(
            ByteBuffer(), requested: CoAPBlockOption(number: 0, more: false, sizeExponent: 6))
        #expect(slice.payload.readableBytes == 0)
        #expect(slice.block2 == CoAPBlockOption(number: 0, more: false, sizeExponent: 6))
    }

    @Test func sliceRespectsTheReaderIndex() throws {
        var shifted = ByteBuffer(bytes: [0xEE, 0xEE])
        shifted.writeImmutableBuffer(body)
        shifted.moveReaderIndex(forwardBy: 2)
        let slice = try CoAPBlockSlicer.slice(
            shifted, requested: CoAPBlockOption(number: 1, more: false, sizeExponent: 2))
        #expect(slice.payload == body.getSlice(at: 64, length: 36))
    }

    @Test func setBodyFillsTheResponse() throws {
        let request = CoAPMessage(type: .confirmable, code: .get, messageID: 5, token: CoAPToken(bytes: [1])!)
        var response = request.makeResponse(code: .content)
        response.setBody(try CoAPBlockSlicer.slice(body, requested: nil, preferredSizeExponent: 2))
        #expect(response.block2 == CoAPBlockOption(number: 0, more: true, sizeExponent: 2))
        #expect(response.size2 == 100)
        #expect(response.payload.readableBytes == 64)
        var buffer = response.encoded()
        #expect(try CoAPMessage.decode(from: &buffer) == response)
    }
}
