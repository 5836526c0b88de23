/// Why ``CoAPBlockAssembler`` refused a Block1 block.
///
/// Each case drops the transfer it belongs to; the client has to start again from block 0.
package enum CoAPBlockAssemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A block other than 0 arrived with no transfer in progress for its key (RFC 7959 §2.3: 4.08).
    case missingFirstBlock(number: UInt32)
    /// A block does not start where the body received so far ends: one was lost, repeated out of order or
    /// skipped (RFC 7959 §2.3: 4.08).
    case unexpectedBlock(number: UInt32, expectedOffset: Int, receivedOffset: Int)
    /// A block with M=1 whose payload is not exactly the block size, or a last block larger than it.
    case blockSizeMismatch(number: UInt32, blockSize: Int, payloadSize: Int)
    /// The body (received so far, or as announced by Size1) exceeds the limit (RFC 7959 §2.9.3: 4.13 with
    /// Size1 giving the limit).
    case bodyTooLarge(limit: Int)

    package var description: String {
        switch self {
        case .missingFirstBlock(let number):
            "block \(number) received without block 0"
        case .unexpectedBlock(let number, let expectedOffset, let receivedOffset):
            "block \(number) starts at byte \(receivedOffset), expected \(expectedOffset)"
        case .blockSizeMismatch(let number, let blockSize, let payloadSize):
            "block \(number) carries \(payloadSize) bytes for a block size of \(blockSize)"
        case .bodyTooLarge(let limit):
            "request body exceeds \(limit) bytes"
        }
    }
}

extension CoAPCode {
    /// The response code for a refused Block1 block: 4.08, 4.00 or 4.13.
    /// - Parameter error: The assembly error.
    package init(_ error: CoAPBlockAssemblyError) {
        switch error {
        case .missingFirstBlock, .unexpectedBlock: self = .requestEntityIncomplete
        case .blockSizeMismatch: self = .badRequest
        case .bodyTooLarge: self = .requestEntityTooLarge
        }
    }
}
