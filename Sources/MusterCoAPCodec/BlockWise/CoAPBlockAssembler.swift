import NIOCore

/// Reassembles request bodies sent with Block1 (RFC 7959 §2.3, §2.5), one transfer per caller-chosen key.
///
/// The key identifies the transfer; RFC 7959 §2.4 matches blocks by endpoint and request options, not by
/// token, so a server keys by peer address plus URI path. Blocks must arrive in order: each one must start
/// where the body so far ends (`NUM × size`, so a client that switches to a smaller block size after the
/// server's 2.31 keeps working). Memory is bounded twice: a body never exceeds
/// ``Configuration/maximumBodySize``, and at most ``Configuration/maximumTransfers`` are in progress, the
/// least recently used being dropped to make room. The assembler is a value with no clock; the service drops
/// stale transfers with ``cancel(_:)`` when it wants to.
package struct CoAPBlockAssembler<Key: Hashable & Sendable>: Sendable {
    /// Limits and preferences of an assembler.
    package struct Configuration: Hashable, Sendable {
        /// The largest body accepted, in bytes.
        package var maximumBodySize: Int
        /// The most transfers kept at once.
        package var maximumTransfers: Int
        /// The largest block size the server wants (SZX, 0…6); a larger first block is acknowledged with
        /// this size so the client continues with smaller blocks.
        package var preferredSizeExponent: UInt8

        /// Creates a configuration.
        /// - Parameters:
        ///   - maximumBodySize: The largest body, 64 KiB by default.
        ///   - maximumTransfers: The most transfers in progress, 256 by default.
        ///   - preferredSizeExponent: The preferred SZX, 6 (1024 bytes) by default.
        package init(maximumBodySize: Int = 64 * 1024, maximumTransfers: Int = 256, preferredSizeExponent: UInt8 = 6) {
            precondition(maximumTransfers > 0, "an assembler must hold at least one transfer")
            precondition(preferredSizeExponent <= CoAPBlockOption.maximumSizeExponent, "SZX 7 is reserved")
            self.maximumBodySize = maximumBodySize
            self.maximumTransfers = maximumTransfers
            self.preferredSizeExponent = preferredSizeExponent
        }
    }

    /// What to do after a block was accepted.
    package enum Outcome: Hashable, Sendable {
        /// Answer 2.31 Continue carrying this Block1 option.
        case `continue`(CoAPBlockOption)
        /// The body is complete; process it and put this Block1 option in the final response.
        case complete(body: ByteBuffer, block1: CoAPBlockOption)
    }

    private struct Transfer: Sendable {
        var body: ByteBuffer
        var lastUse: UInt64
    }

    /// The limits in force.
    package let configuration: Configuration
    private var transfers: [Key: Transfer] = [:]
    private var useCounter: UInt64 = 0

    /// Creates an empty assembler.
    /// - Parameter configuration: The limits.
    package init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The number of transfers in progress.
    package var count: Int { transfers.count }

    /// Takes one Block1 block.
    ///
    /// Block 0 starts (or restarts) the transfer for `key`. Any error drops the transfer.
    /// - Parameters:
    ///   - block: The request's Block1 option.
    ///   - payload: The request's payload.
    ///   - size1: The request's Size1 option, the announced body size, if any.
    ///   - key: The transfer's key.
    /// - Returns: Whether to answer 2.31 Continue or to process the complete body.
    /// - Throws: ``CoAPBlockAssemblyError``; answer with `CoAPCode(error)`.
    package mutating func receive(
        _ block: CoAPBlockOption,
        payload: ByteBuffer,
        size1: UInt32? = nil,
        for key: Key
    ) throws(CoAPBlockAssemblyError) -> Outcome {
        let limit = configuration.maximumBodySize
        if let size1, Int(size1) > limit {
            transfers[key] = nil
            throw .bodyTooLarge(limit: limit)
        }
        var transfer: Transfer
        if block.number == 0 {
            transfers[key] = nil
            transfer = Transfer(body: ByteBuffer(), lastUse: 0)
        } else {
            guard let existing = transfers.removeValue(forKey: key) else {
                throw .missingFirstBlock(number: block.number)
            }
            transfer = existing
        }
        let received = transfer.body.readableBytes
        guard block.offset == received else {
            throw .unexpectedBlock(number: block.number, expectedOffset: received, receivedOffset: block.offset)
        }
        let payloadSize = payload.readableBytes
        guard block.more ? payloadSize == block.size : payloadSize <= block.size else {
            throw .blockSizeMismatch(number: block.number, blockSize: block.size, payloadSize: payloadSize)
        }
        guard received + payloadSize <= limit else { throw .bodyTooLarge(limit: limit) }
        transfer.body.writeImmutableBuffer(payload)

        guard block.more else {
            return .complete(body: transfer.body, block1: block)
        }
        useCounter += 1
        transfer.lastUse = useCounter
        makeRoom()
        transfers[key] = transfer
        let exponent =
            block.number == 0 ? min(block.sizeExponent, configuration.preferredSizeExponent) : block.sizeExponent
        return .continue(CoAPBlockOption(number: block.number, more: true, sizeExponent: exponent))
    }

    /// Drops the transfer for a key, if any.
    /// - Parameter key: The transfer's key.
    package mutating func cancel(_ key: Key) {
        transfers[key] = nil
    }

    /// Drops the least recently used transfer while the table is full.
    private mutating func makeRoom() {
        while transfers.count >= configuration.maximumTransfers,
            let oldest = transfers.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
        {
            transfers[oldest] = nil
        }
    }
}
