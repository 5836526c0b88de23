import NIOCore

/// Cuts a response body into Block2 blocks (RFC 7959 §2.4), statelessly: the whole body is recomputed
/// or cached by the service, and each request names the block it wants.
package enum CoAPBlockSlicer {
    /// One block of a response body, ready to put into a response.
    package struct Slice: Hashable, Sendable {
        /// The bytes of this block (or the whole body when no Block2 is needed).
        package var payload: ByteBuffer
        /// The Block2 option for the response, or `nil` when the body fits one message unasked.
        package var block2: CoAPBlockOption?
        /// The Size2 option (total body size), set on the first block of a multi-block body.
        package var size2: UInt32?
    }

    /// Why a block could not be cut.
    package enum SliceError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The requested block starts past the end of the body; answer 4.02 Bad Option.
        case blockOutOfRange(number: UInt32, bodySize: Int)

        package var description: String {
            switch self {
            case .blockOutOfRange(let number, let bodySize):
                "block \(number) is past the end of a \(bodySize)-byte body"
            }
        }
    }

    /// Picks the block of `body` to send.
    ///
    /// With no Block2 in the request, a body up to the preferred block size goes whole, and a larger one
    /// starts with block 0. A requested size larger than the preferred one is reduced, and its block
    /// number scaled so the block starts at the same byte (RFC 7959 §2.4).
    /// - Parameters:
    ///   - body: The whole response body.
    ///   - requested: The request's Block2 option (its M bit is ignored).
    ///   - preferredSizeExponent: The largest block size the server sends (SZX), 6 (1024 bytes) by default.
    /// - Returns: The payload and the Block2 and Size2 options for the response.
    /// - Throws: ``SliceError/blockOutOfRange(number:bodySize:)``.
    package static func slice(
        _ body: ByteBuffer,
        requested: CoAPBlockOption?,
        preferredSizeExponent: UInt8 = 6
    ) throws(SliceError) -> Slice {
        precondition(preferredSizeExponent <= CoAPBlockOption.maximumSizeExponent, "SZX 7 is reserved")
        let total = body.readableBytes
        let exponent = min(requested?.sizeExponent ?? preferredSizeExponent, preferredSizeExponent)
        let blockSize = 1 << (Int(exponent) + 4)
        guard let requested else {
            if total <= blockSize {
                return Slice(payload: body, block2: nil, size2: nil)
            }
            return Slice(
                payload: body.getSlice(at: body.readerIndex, length: blockSize)!,  // blockSize < total
                block2: CoAPBlockOption(number: 0, more: true, sizeExponent: exponent),
                size2: UInt32(clamping: total)
            )
        }
        let offset = requested.offset
        let number = UInt32(offset >> (Int(exponent) + 4))
        guard offset < total || (offset == 0 && total == 0), number <= CoAPBlockOption.maximumNumber else {
            throw .blockOutOfRange(number: requested.number, bodySize: total)
        }
        let length = min(blockSize, total - offset)
        let more = offset + length < total
        return Slice(
            payload: body.getSlice(at: body.readerIndex + offset, length: length)!,  // offset + length <= total
            block2: CoAPBlockOption(number: number, more: more, sizeExponent: exponent),
            size2: number == 0 && more ? UInt32(clamping: total) : nil
        )
    }
}

extension CoAPMessage {
    /// Puts a Block2 slice into this response: payload, Block2 and Size2.
    /// - Parameter slice: The slice from ``CoAPBlockSlicer/slice(_:requested:preferredSizeExponent:)``.
    package mutating func setBody(_ slice: CoAPBlockSlicer.Slice) {
        payload = slice.payload
        block2 = slice.block2
        size2 = slice.size2
    }
}
