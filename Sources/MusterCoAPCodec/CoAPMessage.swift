import NIOCore

/// A CoAP message (RFC 7252 §3): the unit carried by one UDP datagram.
///
/// Decode a datagram with ``CoAPMessage/decode(from:maxSize:)`` and write one with
/// ``CoAPMessage/encode(into:)``. The version is always 1.
///
/// ``options`` keeps the order in which options were decoded or added, repeats included. The encoder writes
/// them sorted by option number (stably, so repeated options keep their relative order), which the delta
/// encoding requires; use ``addOption(_:)`` to keep the array sorted as you build.
package struct CoAPMessage: Hashable, Sendable {
    /// The only protocol version defined by RFC 7252.
    package static let version: UInt8 = 1

    /// The default largest datagram accepted: RFC 7252 §4.6's 1152 bytes (1024 payload + 128 header/options).
    package static let defaultMaximumSize = 1152

    /// CON, NON, ACK or RST.
    package var type: CoAPMessageType
    /// The request method, the response code, or 0.00 for an empty message.
    package var code: CoAPCode
    /// The Message ID used for deduplication and to match an ACK or RST to its CON or NON.
    package var messageID: UInt16
    /// The Token matching a response to its request.
    package var token: CoAPToken
    /// The options, in decoding (or insertion) order; repeated options are allowed.
    package var options: [CoAPOption]
    /// The payload; empty when there is none (the 0xFF marker is only written for a non-empty payload).
    package var payload: ByteBuffer

    /// Creates a message.
    /// - Parameters:
    ///   - type: CON, NON, ACK or RST.
    ///   - code: The method or response code.
    ///   - messageID: The Message ID.
    ///   - token: The Token; empty by default.
    ///   - options: The options; sorted by number on encoding.
    ///   - payload: The payload; empty by default.
    package init(
        type: CoAPMessageType,
        code: CoAPCode,
        messageID: UInt16,
        token: CoAPToken = .empty,
        options: [CoAPOption] = [],
        payload: ByteBuffer = ByteBuffer()
    ) {
        self.type = type
        self.code = code
        self.messageID = messageID
        self.token = token
        self.options = options
        self.payload = payload
    }

    /// Whether this is an Empty message: code 0.00, no token, no options, no payload (RFC 7252 §4.1).
    package var isEmpty: Bool {
        code.isEmpty && token.isEmpty && options.isEmpty && payload.readableBytes == 0
    }

    /// Whether this is a CoAP ping: an empty confirmable message, answered with a Reset (RFC 7252 §4.3).
    package var isPing: Bool { type == .confirmable && isEmpty }
}
