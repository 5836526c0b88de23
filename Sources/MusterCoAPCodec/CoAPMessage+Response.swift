import NIOCore

extension CoAPMessage {
    /// Builds the response to this request: a piggy-backed ACK for a CON, a NON for a NON (RFC 7252 §5.2).
    ///
    /// The response carries this request's Token and, by default, its Message ID. A confirmable request's
    /// ACK must use the request's Message ID; for a non-confirmable request RFC 7252 lets the server pick a
    /// fresh one, which `messageID` supplies.
    /// - Parameters:
    ///   - code: The response code.
    ///   - options: The response options; sorted on encoding.
    ///   - payload: The response body; empty by default.
    ///   - messageID: The Message ID of a NON response; ignored for an ACK. Defaults to the request's.
    /// - Returns: The response message.
    package func makeResponse(
        code: CoAPCode,
        options: [CoAPOption] = [],
        payload: ByteBuffer = ByteBuffer(),
        messageID: UInt16? = nil
    ) -> CoAPMessage {
        let type: CoAPMessageType = self.type == .confirmable ? .acknowledgement : .nonConfirmable
        return CoAPMessage(
            type: type,
            code: code,
            messageID: type == .acknowledgement ? self.messageID : (messageID ?? self.messageID),
            token: token,
            options: options,
            payload: payload
        )
    }

    /// Builds the response to this request with a diagnostic text payload (RFC 7252 §5.5.2), e.g. for 4.00.
    /// - Parameters:
    ///   - code: The response code.
    ///   - diagnostic: The text, which must hold no secret.
    /// - Returns: The response message, with Content-Format text/plain.
    package func makeResponse(code: CoAPCode, diagnostic: String) -> CoAPMessage {
        var response = makeResponse(code: code, payload: ByteBuffer(string: diagnostic))
        if !diagnostic.isEmpty {
            response.contentFormat = .textPlain
        }
        return response
    }

    /// Builds the Empty ACK for a confirmable message (RFC 7252 §4.2): accepts it before a separate response,
    /// or acknowledges a confirmable notification or separate response received by a client.
    /// - Returns: ACK 0.00 with this message's Message ID and no token.
    package func makeEmptyAcknowledgement() -> CoAPMessage {
        CoAPMessage(type: .acknowledgement, code: .empty, messageID: messageID)
    }

    /// Builds the Reset that rejects this message (RFC 7252 §4.2, §4.3), and answers a CoAP ping.
    /// - Returns: RST 0.00 with this message's Message ID and no token.
    package func makeReset() -> CoAPMessage {
        CoAPMessage(type: .reset, code: .empty, messageID: messageID)
    }
}

extension CoAPMessageHeader {
    /// Builds the Reset that rejects a datagram that failed to decode (RFC 7252 §4.2).
    /// - Returns: RST 0.00 with the datagram's Message ID.
    package func makeReset() -> CoAPMessage {
        CoAPMessage(type: .reset, code: .empty, messageID: messageID)
    }

    /// Builds a response to a request that failed to decode, e.g. 4.00 or 4.02 with
    /// ``CoAPDecodeError/description`` as the diagnostic payload.
    /// - Parameters:
    ///   - code: The response code, typically `CoAPCode(error)`.
    ///   - diagnostic: The text payload.
    /// - Returns: The response, or `nil` when the token could not be read (then send ``makeReset()``) or the
    ///   datagram was not a CON or NON request.
    package func makeResponse(code: CoAPCode, diagnostic: String) -> CoAPMessage? {
        guard let token, self.code.isRequest, type == .confirmable || type == .nonConfirmable else { return nil }
        let request = CoAPMessage(type: type, code: self.code, messageID: messageID, token: token)
        return request.makeResponse(code: code, diagnostic: diagnostic)
    }
}
