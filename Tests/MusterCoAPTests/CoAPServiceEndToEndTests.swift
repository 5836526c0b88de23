import Foundation
import MusterCoAPCodec
import MusterCore
import MusterTestSupport
import NIOCore
import Testing

@Suite("CoAP service over real UDP sockets")
struct CoAPServiceEndToEndTests {
    @Test("Provision over UDP, retransmit the same datagram, post telemetry with the token, survive garbage")
    func provisionAndReport() async throws {
        try await TestServer.run { server in
            // Given a profile created over REST
            let admin = try await server.login()
            let status = try await server.send(
                "POST",
                "/api/deviceProfile",
                body: #"""
                    {"name":"coap-profile","provisionType":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceKey":"coap-key",
                     "profileData":{"provisionConfiguration":{"type":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceSecret":"coap-secret"}}}
                    """#,
                token: admin
            ).status
            #expect(status == 200)
            let socket = try UDPTestSocket(port: try #require(server.ports["coap"]))

            // Garbage never stops the service
            socket.send([0xFF, 0x00])
            socket.send([0x40, 0x00, 0x00, 0x07])  // ping
            #expect(try socket.receive()?.type == .reset)
            // A datagram over the 1152-byte limit is refused with 4.13
            var large = CoAPMessage(type: .confirmable, code: .post, messageID: 9, token: CoAPToken(bytes: [5])!)
            large.uriPath = ["api", "v1", "provision"]
            large.payload = ByteBuffer(repeating: 0x20, count: 2000)
            socket.send(large)
            #expect(try socket.receive()?.code == .requestEntityTooLarge)

            // When a device provisions, and its CON is retransmitted
            var request = CoAPMessage(
                type: .confirmable,
                code: .post,
                messageID: 4242,
                token: CoAPToken(bytes: [1, 2])!
            )
            request.uriPath = ["api", "v1", "provision"]
            request.payload = ByteBuffer(
                string: #"{"deviceName":"udp-1","provisionDeviceKey":"coap-key","provisionDeviceSecret":"coap-secret"}"#
            )
            socket.send(request)
            let first = try #require(socket.receiveBytes())
            socket.send(request)
            let second = try #require(socket.receiveBytes())
            // Then both answers are the same bytes, 2.01 with an access token
            #expect(first == second)
            var buffer = ByteBuffer(bytes: first)
            let reply = try CoAPMessage.decode(from: &buffer)
            #expect(reply.code == .created && reply.messageID == 4242)
            let json = try JSONParser.parse(Array(reply.payload.readableBytesView))
            let token = try #require(json["credentialsValue"]?.stringValue)

            // When it reports telemetry with the token, then it is stored
            var telemetry = CoAPMessage(type: .confirmable, code: .post, messageID: 4243, token: CoAPToken(bytes: [3])!)
            telemetry.uriPath = ["api", "v1", token, "telemetry"]
            telemetry.payload = ByteBuffer(string: #"{"temperature":42}"#)
            socket.send(telemetry)
            #expect(try socket.receive()?.code == .created)
            let device = try await server.send("GET", "/api/tenant/devices?deviceName=udp-1", token: admin)
            let deviceId = try #require(try device.json()["id"]?["id"]?.stringValue)
            let values = try await server.send(
                "GET",
                "/api/plugins/telemetry/DEVICE/\(deviceId)/values/timeseries?keys=temperature",
                token: admin
            )
            #expect(values.status == 200)
            #expect(try values.json()["temperature"]?[0]?["value"] == .string("42"))
        }
    }
}
