import Logging
import MusterCoAPCodec
import MusterCore
import NIOCore

/// Turns one datagram into at most one reply (RFC 7252): decodes it, deduplicates requests, handles empty
/// messages and Resets, enforces critical options, and dispatches requests to the resources.
///
/// It holds no socket; ``CoAPService`` feeds it datagrams and sends what it returns, which keeps it testable
/// without the network.
package struct CoAPRouter: Sendable {
    /// The critical options the resources understand; any other critical option gets 4.02 (RFC 7252 §5.4.1).
    /// Uri-Port is here because libcoap always sends it.
    static let recognizedOptions: Set<CoAPOptionNumber> = [
        .uriHost, .uriPort, .uriPath, .uriQuery, .accept, .block1, .block2,
    ]

    let configuration: CoAPServerConfiguration
    let provisioning: ProvisionService
    let deviceAPI: DeviceAPIService
    let notifier: CoAPNotifier
    let state: CoAPEndpointState
    /// Bounds each endpoint's new requests per second (``CoAPServerConfiguration/peerRequestsPerSecond``).
    let peerLimiter: CoAPPeerRequestLimiter
    let logger: Logger
    /// The time in milliseconds on a monotonic clock, for the exchange lifetime.
    let now: @Sendable () -> Int64

    /// Creates a router.
    /// - Parameters:
    ///   - configuration: Limits.
    ///   - provisioning: The provisioning service.
    ///   - deviceAPI: The device API service.
    ///   - notifier: Where observers subscribe to shared-attribute changes.
    ///   - logger: The logger.
    ///   - now: Milliseconds on a monotonic clock; `ContinuousClock` by default.
    package init(
        configuration: CoAPServerConfiguration,
        provisioning: ProvisionService,
        deviceAPI: DeviceAPIService,
        notifier: CoAPNotifier,
        logger: Logger,
        now: (@Sendable () -> Int64)? = nil
    ) {
        self.configuration = configuration
        self.provisioning = provisioning
        self.deviceAPI = deviceAPI
        self.notifier = notifier
        self.state = CoAPEndpointState(configuration: configuration)
        self.peerLimiter = CoAPPeerRequestLimiter(
            requestsPerSecond: configuration.peerRequestsPerSecond, peerLimit: configuration.maxPeers)
        self.logger = logger
        self.now = now ?? Self.monotonicMilliseconds
    }

    /// Handles one datagram.
    /// - Parameters:
    ///   - datagram: The bytes received.
    ///   - peer: Who sent them.
    /// - Returns: The datagram to send back to `peer`, or `nil`.
    package func handle(_ datagram: ByteBuffer, from peer: SocketAddress) async -> ByteBuffer? {
        var buffer = datagram
        let message: CoAPMessage
        do {
            message = try CoAPMessage.decode(from: &buffer, maxSize: configuration.maxDatagramSize)
        } catch {
            return malformed(datagram, error: error)
        }
        switch message.type {
        case .acknowledgement:
            // The ACK of a confirmable notification: stop retransmitting it.
            state.withObservers { $0.acknowledge(message.messageID, from: peer) }
            return nil
        case .reset:
            deregister(resetOf: message.messageID, from: peer)
            return nil
        case .confirmable, .nonConfirmable:
            break
        }
        guard message.code.isRequest else {
            // A ping, or a response or reserved code sent to a server: a CON gets a Reset, a NON is ignored.
            return message.type == .confirmable ? message.makeReset().encoded() : nil
        }
        switch state.beginExchange(peer, messageID: message.messageID, now: now()) {
        case .inProgress:
            return nil
        case .answered(let bytes):
            return bytes
        case .new:
            var response: CoAPMessage?
            if let retryAfter = peerLimiter.admit(peer, now: now()) {
                response = message.makeResponse(
                    code: .tooManyRequests,
                    diagnostic: "too many requests from this endpoint: at most \(peerLimiter.requestsPerSecond) per second")
                response?.maxAge = retryAfter
            } else {
                response = await respond(to: message, from: peer)
            }
            if message.type == .nonConfirmable {
                response?.messageID = state.nextMessageID()  // a NON response has its own Message ID (RFC 7252 §5.2.3)
            }
            let bytes = response?.encoded()
            state.completeExchange(peer, messageID: message.messageID, response: bytes)
            return bytes
        }
    }

    /// Answers a datagram that did not decode: a message format error is rejected (a Reset for a CON, nothing for a
    /// NON; RFC 7252 §4.2, §4.3); a request whose header and token could be read gets 4.02/4.13/4.00 with a
    /// diagnostic (4.13 with Size1, the largest datagram taken; §5.10.9); another confirmable message a Reset.
    private func malformed(_ datagram: ByteBuffer, error: CoAPDecodeError) -> ByteBuffer? {
        logger.debug("malformed CoAP datagram", metadata: ["error": "\(error)"])
        guard let header = CoAPMessageHeader.peek(datagram) else { return nil }
        if error.isMessageFormatError {
            return header.type == .confirmable ? header.makeReset().encoded() : nil
        }
        if var response = header.makeResponse(code: CoAPCode(error), diagnostic: error.description) {
            if case .messageTooLarge(_, let limit) = error { response.size1 = UInt32(clamping: limit) }
            return response.encoded()
        }
        return header.type == .confirmable ? header.makeReset().encoded() : nil
    }

    /// Builds the response to a new request, with Block2 slicing applied.
    private func respond(to request: CoAPMessage, from peer: SocketAddress) async -> CoAPMessage? {
        if let unknown = request.firstUnrecognizedCriticalOption(recognized: Self.recognizedOptions) {
            return request.makeResponse(
                code: .badOption,
                diagnostic: "unrecognized critical option \(unknown.rawValue)"
            )
        }
        let transferKey = CoAPTransferKey(peer: peer, path: request.uriPathString)
        if let block2 = request.block2, block2.number > 0, let stored = state.body(for: transferKey) {
            var response = request.makeResponse(code: stored.code)
            response.contentFormat = stored.contentFormat
            return sliced(response, body: stored.body, request: request, key: transferKey)
        }
        guard var reply = await dispatch(request, from: peer, transferKey: transferKey) else { return nil }
        let body = reply.payload
        if body.readableBytes > Self.blockSize || request.block2 != nil {
            reply = sliced(reply, body: body, request: request, key: transferKey)
        }
        return reply
    }

    /// Puts the requested Block2 block of `body` into `response`, keeping the body for the next blocks.
    private func sliced(_ response: CoAPMessage, body: ByteBuffer, request: CoAPMessage, key: CoAPTransferKey)
        -> CoAPMessage
    {
        var response = response
        do {
            let slice = try CoAPBlockSlicer.slice(body, requested: request.block2)
            response.setBody(slice)
            if slice.block2?.more == true {
                state.storeBody(
                    CoAPStoredBody(code: response.code, contentFormat: response.contentFormat, body: body),
                    for: key
                )
            }
            return response
        } catch {
            return request.makeResponse(code: .badOption, diagnostic: error.description)
        }
    }

    private func deregister(resetOf messageID: UInt16, from peer: SocketAddress) {
        let removed = state.withObservers { $0.deregister(resetOf: messageID, from: peer) }
        if let removed { notifier.unsubscribe(removed.subscription, deviceId: removed.deviceId) }
    }

    /// The largest payload sent without Block2 (SZX 6).
    static let blockSize = 1024

    private static func monotonicMilliseconds() -> Int64 {
        let elapsed = ContinuousClock.now - epoch
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    private static let epoch = ContinuousClock.now
}
