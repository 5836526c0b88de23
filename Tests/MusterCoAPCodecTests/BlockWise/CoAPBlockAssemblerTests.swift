import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Block1 reassembly")
struct CoAPBlockAssemblerTests {
    private typealias Assembler = CoAPBlockAssembler<String>

    private func block(_ number: UInt32, more: Bool, size: Int = 16) -> CoAPBlockOption {
        CoAPBlockOption(number: number, more: more, size: size)!
    }

    private func bytes(_ count: Int, _ value: UInt8) -> ByteBuffer {
        ByteBuffer(repeating: value, count: count)
    }

    @Test func inOrderBlocksComplete() throws {
        var assembler = Assembler()
        #expect(
            try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
                == .continue(block(0, more: true)))
        #expect(
            try assembler.receive(block(1, more: true), payload: bytes(16, 2), for: "a")
                == .continue(block(1, more: true)))
        #expect(assembler.count == 1)
        let outcome = try assembler.receive(block(2, more: false), payload: bytes(5, 3), for: "a")
        var body = bytes(16, 1)
        body.writeImmutableBuffer(bytes(16, 2))
        body.writeImmutableBuffer(bytes(5, 3))
        #expect(outcome == .complete(body: body, block1: block(2, more: false)))
        #expect(assembler.count == 0)
    }

    @Test func singleBlockBody() throws {
        var assembler = Assembler()
        let outcome = try assembler.receive(block(0, more: false), payload: bytes(3, 9), for: "a")
        #expect(outcome == .complete(body: bytes(3, 9), block1: block(0, more: false)))
    }

    @Test func keysAreIndependent() throws {
        var assembler = Assembler()
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 2), for: "b")
        let b = try assembler.receive(block(1, more: false), payload: bytes(1, 2), for: "b")
        let a = try assembler.receive(block(1, more: false), payload: bytes(1, 1), for: "a")
        guard case .complete(let bodyA, _) = a, case .complete(let bodyB, _) = b else {
            Issue.record("both transfers complete")
            return
        }
        #expect(bodyA.readableBytesView.allSatisfy { $0 == 1 })
        #expect(bodyB.readableBytesView.allSatisfy { $0 == 2 })
    }

    @Test func missingBlockIsRejectedAndDropsTheTransfer() throws {
        var assembler = Assembler()
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        #expect(throws: CoAPBlockAssemblyError.unexpectedBlock(number: 2, expectedOffset: 16, receivedOffset: 32)) {
            try assembler.receive(block(2, more: true), payload: bytes(16, 1), for: "a")
        }
        #expect(assembler.count == 0)
        #expect(throws: CoAPBlockAssemblyError.missingFirstBlock(number: 1)) {
            try assembler.receive(block(1, more: true), payload: bytes(16, 1), for: "a")
        }
    }

    @Test func repeatedBlockIsOutOfOrder() throws {
        var assembler = Assembler()
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        _ = try assembler.receive(block(1, more: true), payload: bytes(16, 1), for: "a")
        #expect(throws: CoAPBlockAssemblyError.unexpectedBlock(number: 1, expectedOffset: 32, receivedOffset: 16)) {
            try assembler.receive(block(1, more: true), payload: bytes(16, 1), for: "a")
        }
    }

    @Test func blockZeroRestartsATransfer() throws {
        var assembler = Assembler()
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 2), for: "a")
        let outcome = try assembler.receive(block(1, more: false), payload: bytes(0, 0), for: "a")
        #expect(outcome == .complete(body: bytes(16, 2), block1: block(1, more: false)))
    }

    @Test func blockWithoutBlockZero() {
        var assembler = Assembler()
        #expect(throws: CoAPBlockAssemblyError.missingFirstBlock(number: 3)) {
            try assembler.receive(block(3, more: false), payload: bytes(1, 1), for: "a")
        }
    }

    @Test func payloadMustFillAnIntermediateBlock() {
        var assembler = Assembler()
        #expect(throws: CoAPBlockAssemblyError.blockSizeMismatch(number: 0, blockSize: 16, payloadSize: 15)) {
            try assembler.receive(block(0, more: true), payload: bytes(15, 1), for: "a")
        }
        #expect(throws: CoAPBlockAssemblyError.blockSizeMismatch(number: 0, blockSize: 16, payloadSize: 17)) {
            try assembler.receive(block(0, more: false), payload: bytes(17, 1), for: "a")
        }
    }

    @Test func bodySizeIsBounded() throws {
        var assembler = Assembler(configuration: .init(maximumBodySize: 40))
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        _ = try assembler.receive(block(1, more: true), payload: bytes(16, 1), for: "a")
        #expect(throws: CoAPBlockAssemblyError.bodyTooLarge(limit: 40)) {
            try assembler.receive(block(2, more: true), payload: bytes(16, 1), for: "a")
        }
        #expect(assembler.count == 0)
    }

    @Test func announcedSize1IsCheckedFirst() {
        var assembler = Assembler(configuration: .init(maximumBodySize: 1000))
        #expect(throws: CoAPBlockAssemblyError.bodyTooLarge(limit: 1000)) {
            try assembler.receive(block(0, more: true), payload: bytes(16, 1), size1: 1001, for: "a")
        }
        #expect(CoAPCode(CoAPBlockAssemblyError.bodyTooLarge(limit: 1000)) == .requestEntityTooLarge)
    }

    @Test func transferCountIsBoundedByEvictingTheLeastRecentlyUsed() throws {
        var assembler = Assembler(configuration: .init(maximumTransfers: 2))
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "b")
        _ = try assembler.receive(block(1, more: true), payload: bytes(16, 1), for: "a")  // a is now newer than b
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "c")  // evicts b
        #expect(assembler.count == 2)
        #expect(throws: CoAPBlockAssemblyError.missingFirstBlock(number: 1)) {
            try assembler.receive(block(1, more: false), payload: bytes(1, 1), for: "b")
        }
        _ = try assembler.receive(block(2, more: false), payload: bytes(1, 1), for: "a")
        _ = try assembler.receive(block(1, more: false), payload: bytes(1, 1), for: "c")
    }

    @Test func cancelDropsATransfer() throws {
        var assembler = Assembler()
        _ = try assembler.receive(block(0, more: true), payload: bytes(16, 1), for: "a")
        assembler.cancel("a")
        #expect(assembler.count == 0)
    }

    @Test func preferredSizeIsOfferedOnTheFirstBlockOnly() throws {
        var assembler = Assembler(configuration: .init(preferredSizeExponent: 2))
        let first = try assembler.receive(block(0, more: true, size: 256), payload: bytes(256, 1), for: "a")
        #expect(first == .continue(block(0, more: true, size: 64)))
        // 256 bytes received = 4 blocks of 64
        let next = try assembler.receive(block(4, more: true, size: 64), payload: bytes(64, 1), for: "a")
        #expect(next == .continue(block(4, more: true, size: 64)))
    }

    @Test func responseCodes() {
        #expect(CoAPCode(CoAPBlockAssemblyError.missingFirstBlock(number: 1)) == .requestEntityIncomplete)
        #expect(
            CoAPCode(CoAPBlockAssemblyError.unexpectedBlock(number: 2, expectedOffset: 0, receivedOffset: 32))
                == .requestEntityIncomplete
        )
        #expect(
            CoAPCode(CoAPBlockAssemblyError.blockSizeMismatch(number: 0, blockSize: 16, payloadSize: 1)) == .badRequest)
        #expect(CoAPBlockAssemblyError.bodyTooLarge(limit: 10).description == "request body exceeds 10 bytes")
    }
}
