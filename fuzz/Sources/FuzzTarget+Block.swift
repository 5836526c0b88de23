import MusterCoAPCodec
import NIOCore

extension FuzzTarget {
    /// The CoAP Block1 assembler over a sequence of requests, as the CoAP router feeds it. The input is a list of
    /// records `[peer byte][length byte][datagram]`; each datagram that decodes and carries Block1 goes to the
    /// assembler with its payload and Size1, keyed by peer (one of four) and Uri-Path as the router keys it. The
    /// assembler is small (4 transfers, 2 KiB bodies) so that eviction and the limits are reached. Invariants: never
    /// more transfers than the limit, and a completed body is exactly the payloads accepted for its key since its
    /// block 0.
    static func blockAssembler(_ bytes: UnsafeBufferPointer<UInt8>) {
        let configuration = CoAPBlockAssembler<BlockTransferKey>.Configuration(
            maximumBodySize: 2048, maximumTransfers: 4, preferredSizeExponent: 2)
        var assembler = CoAPBlockAssembler<BlockTransferKey>(configuration: configuration)
        var expected: [BlockTransferKey: [UInt8]] = [:]
        var index = bytes.startIndex
        while index + 2 <= bytes.endIndex {
            let peer = bytes[index] % 4
            let length = min(Int(bytes[index + 1]), bytes.endIndex - index - 2)
            var datagram = ByteBuffer(bytes: bytes[(index + 2)..<(index + 2 + length)])
            index += 2 + length
            guard let message = try? CoAPMessage.decode(from: &datagram), let block1 = message.block1 else { continue }
            let key = BlockTransferKey(peer: peer, path: message.uriPathString)
            let payload = Array(message.payload.readableBytesView)
            do {
                switch try assembler.receive(block1, payload: message.payload, size1: message.size1, for: key) {
                case .continue(let answer):
                    expected[key, default: []] = (block1.number == 0 ? [] : expected[key, default: []]) + payload
                    guard answer.number == block1.number, answer.more,
                        answer.sizeExponent <= block1.sizeExponent
                    else { fatalError("a 2.31 answer \(answer) does not acknowledge block \(block1)") }
                case .complete(let body, let answer):
                    let whole = (block1.number == 0 ? [] : expected[key, default: []]) + payload
                    expected[key] = nil
                    guard Array(body.readableBytesView) == whole, answer == block1 else {
                        fatalError("a reassembled body differs from the payloads sent for it")
                    }
                }
            } catch {
                expected[key] = nil
            }
            guard assembler.count <= configuration.maximumTransfers else {
                fatalError("the assembler holds \(assembler.count) transfers, over its limit")
            }
        }
    }
}

/// The Block1 transfer key of the fuzz target: like the router's (peer, Uri-Path), with a peer number for an address.
struct BlockTransferKey: Hashable, Sendable {
    var peer: UInt8
    var path: String
}
