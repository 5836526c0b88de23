import NIOCore

/// The fixed header and token of a datagram, read without decoding the options.
///
/// When ``CoAPMessage/decode(from:maxSize:)`` fails, the service peeks at the header to answer a malformed
/// confirmable request with a Reset or with `CoAPCode(error)` and the error's description as payload, using
/// the same Message ID and Token (RFC 7252 §4.2, §5.4.1).
package struct CoAPMessageHeader: Hashable, Sendable {
    /// CON, NON, ACK or RST.
    package var type: CoAPMessageType
    /// The request method or response code.
    package var code: CoAPCode
    /// The Message ID.
    package var messageID: UInt16
    /// The Token, or `nil` when its length is reserved or it is truncated.
    package var token: CoAPToken?

    /// Creates a header.
    /// - Parameters:
    ///   - type: CON, NON, ACK or RST.
    ///   - code: The request method or response code.
    ///   - messageID: The Message ID.
    ///   - token: The Token, if readable.
    package init(type: CoAPMessageType, code: CoAPCode, messageID: UInt16, token: CoAPToken?) {
        self.type = type
        self.code = code
        self.messageID = messageID
        self.token = token
    }

    /// Reads the header of a datagram, whatever follows it.
    /// - Parameter datagram: The datagram; its reader index is not moved.
    /// - Returns: The header, or `nil` when there are fewer than 4 bytes or the version is not 1.
    package static func peek(_ datagram: ByteBuffer) -> CoAPMessageHeader? {
        guard
            let (first, code, messageID) = datagram.getMultipleIntegers(
                at: datagram.readerIndex,
                as: (UInt8, UInt8, UInt16).self
            ), first >> 6 == CoAPMessage.version
        else { return nil }
        let tokenLength = Int(first & 0x0F)
        let token =
            tokenLength <= 8
            ? datagram.getBytes(at: datagram.readerIndex + 4, length: tokenLength).flatMap { CoAPToken(bytes: $0) }
            : nil
        return CoAPMessageHeader(
            type: CoAPMessageType(rawValue: (first >> 4) & 0x03)!,  // two bits always name a type
            code: CoAPCode(rawValue: code),
            messageID: messageID,
            token: token
        )
    }
}
