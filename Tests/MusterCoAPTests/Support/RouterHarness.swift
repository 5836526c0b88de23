import Foundation
import Logging
import MusterCoAP
import MusterCoAPCodec
import MusterCore
import MusterTestSupport
import NIOCore

/// A ``CoAPRouter`` over the real core services and a SQLite file, fed datagrams in process.
struct RouterHarness {
    let fixture: CoreFixture
    let hub: AttributeChangeHub
    let notifier: CoAPNotifier
    let router: CoAPRouter
    let telemetry: TelemetryService
    let peer: SocketAddress

    static func make(failureLimit: Int = 0, maxObservers: Int = 16) async throws -> RouterHarness {
        let fixture = try await CoreFixture.make(failureLimit: failureLimit)
        let hub = AttributeChangeHub()
        let notifier = CoAPNotifier(hub: hub)
        var configuration = CoAPServerConfiguration(port: 0)
        configuration.maxObservers = maxObservers
        let router = CoAPRouter(
            configuration: configuration,
            provisioning: fixture.provisioning,
            deviceAPI: DeviceAPIService(devices: fixture.store, values: fixture.store, clock: fixture.clock),
            notifier: notifier,
            logger: Logger(label: "coap-test")
        )
        return RouterHarness(
            fixture: fixture,
            hub: hub,
            notifier: notifier,
            router: router,
            telemetry: TelemetryService(
                devices: fixture.store,
                values: fixture.store,
                clock: fixture.clock,
                changes: hub
            ),
            peer: try SocketAddress(ipAddress: "127.0.0.1", port: 40_000)
        )
    }

    /// Sends one message and decodes the reply.
    func send(_ message: CoAPMessage, from peer: SocketAddress? = nil) async throws -> CoAPMessage? {
        try await sendBytes(message.encoded(), from: peer)
    }

    /// Sends raw bytes and decodes the reply.
    func sendBytes(_ bytes: ByteBuffer, from peer: SocketAddress? = nil) async throws -> CoAPMessage? {
        guard var reply = await router.handle(bytes, from: peer ?? self.peer) else { return nil }
        return try CoAPMessage.decode(from: &reply)
    }

    /// A confirmable request.
    static func request(
        _ code: CoAPCode,
        _ path: String,
        payload: String = "",
        messageID: UInt16 = .random(in: 0...UInt16.max),
        token: [UInt8] = [1, 2, 3, 4],
        query: [String] = [],
        type: CoAPMessageType = .confirmable
    ) -> CoAPMessage {
        var message = CoAPMessage(
            type: type,
            code: code,
            messageID: messageID,
            token: CoAPToken(bytes: token)!,
            payload: ByteBuffer(string: payload)
        )
        message.uriPath = path.split(separator: "/").map(String.init)
        message.uriQueryItems = query
        return message
    }

    /// A provisioning request body.
    static func provisionJSON(name: String, key: String, secret: String, extra: String = "") -> String {
        #"{"deviceName":"\#(name)","provisionDeviceKey":"\#(key)","provisionDeviceSecret":"\#(secret)"\#(extra)}"#
    }
}

extension CoAPMessage {
    /// The payload as text.
    var text: String { String(decoding: payload.readableBytesView, as: UTF8.self) }

    /// The payload as JSON.
    func json() throws -> JSONValue { try JSONParser.parse(Array(payload.readableBytesView)) }
}
