import Foundation
import MusterCore
import MusterMQTTCodec
import MusterTestSupport
import NIOCore
import Testing

@testable import MusterMQTT

/// The listener over real sockets: provisioning, then a device session with the issued credentials; malformed input
/// closing only its own connection; graceful shutdown.
@Suite struct MQTTServerEndToEndTests {
    private static func publish(_ topic: String, _ payload: String, id: UInt16? = 1) -> MQTTPacket {
        .publish(.init(topicName: topic, payload: ByteBuffer(string: payload), qos: id == nil ? .atMostOnce : .atLeastOnce, packetIdentifier: id))
    }

    @Test func provisionThenConnectWithTheTokenAndSendTelemetry() async throws {
        try await MQTTTestHarness.run { harness in
            let profile = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "mqtt-key", secret: "mqtt-secret")
            _ = profile
            // Given a provisioning session on MQTT 3.1.1
            let token = try await harness.withClient(.v311) { client -> String in
                #expect(try await client.connect(clientId: "p1", username: "provision")?.reasonCode == .success)
                // When a request is published without subscribing
                try await client.send(Self.publish(
                    "/provision/request", #"{"provisionDeviceKey":"mqtt-key","provisionDeviceSecret":"mqtt-secret","deviceName":"m-1"}"#, id: 9
                ))
                // Then PUBACK comes first, then the answer
                #expect(try await client.receive() == .pubAck(.init(packetIdentifier: 9)))
                guard case .publish(let answer)? = try await client.receive() else { Issue.record("no answer"); return "" }
                #expect(answer.topicName == "/provision/response")
                let json = try JSONParser.parse(Array(buffer: answer.payload))
                #expect(json["status"] == .string("SUCCESS"))
                #expect(json["credentialsType"] == .string("ACCESS_TOKEN"))
                return json["credentialsValue"]?.stringValue ?? ""
            }
            // And the token opens a device session (MQTT 5, empty client id)
            try await harness.withClient(.v5) { (client: inout MQTTTestClient) async throws -> Void in
                let ack = try await client.connect(username: token)
                #expect(ack?.reasonCode == .success)
                #expect(ack?.properties.assignedClientIdentifier?.isEmpty == false)
                #expect(ack?.properties.maximumPacketSize == 65_536)
                try await client.send(Self.publish("v1/devices/me/telemetry", #"{"temperature":21}"#, id: 3))
                #expect(try await client.receive() == .pubAck(.init(packetIdentifier: 3)))
                // A shared attribute change reaches the subscribed session
                try await client.send(.subscribe(.init(packetIdentifier: 4, subscriptions: [
                    .init(topicFilter: "v1/devices/me/attributes", options: .init(qos: .atLeastOnce))
                ])))
                #expect(try await client.receive() == .subAck(.init(packetIdentifier: 4, reasonCodes: [.grantedQoS1])))
                let device = try await harness.fixture.devices.device(name: "m-1", tenantId: harness.fixture.tenant.id)
                harness.changes.publish(deviceId: device.id, shared: [Attribute(key: "target", value: .long(5), lastUpdateTs: 0)])
                guard case .publish(let push)? = try await client.receive() else { Issue.record("no push"); return }
                #expect(push.topicName == "v1/devices/me/attributes")
                #expect(String(buffer: push.payload) == #"{"target":5}"#)
                let points = try await harness.fixture.store.latestTimeseries(entityId: device.id, keys: ["temperature"])
                #expect(points.count == 1)
            }
        }
    }

    @Test func badTokenIsRefusedWith0x05On311() async throws {
        try await MQTTTestHarness.run { harness in
            try await harness.withClient(.v311) { (client: inout MQTTTestClient) async throws -> Void in
                #expect(try await client.connect(clientId: "c", username: "nope", password: "pw")?.reasonCode == .notAuthorized)
                #expect(try await client.receive() == nil)
            }
        }
    }

    @Test func aSourceCoolingOffGetsItsProvisioningConnectRefused() async throws {
        try await MQTTTestHarness.run(failureLimit: 2) { harness in
            // Given a source that is not cooling off, a provisioning session opens.
            try await harness.withClient(.v5) { (client: inout MQTTTestClient) async throws -> Void in
                #expect(try await client.connect(clientId: "p0", username: "provision")?.reasonCode == .success)
            }
            // When it reaches the limit, its next provisioning CONNECT is refused before any request (0x9F).
            for _ in 0..<2 {
                await harness.fixture.limiter.recordFailure(source: "127.0.0.1", key: "", now: harness.fixture.clock.nowMilliseconds())
            }
            try await harness.withClient(.v5) { (client: inout MQTTTestClient) async throws -> Void in
                #expect(try await client.connect(clientId: "p1", username: "provision")?.reasonCode == .connectionRateExceeded)
                #expect(try await client.receive() == nil)
            }
        }
    }

    @Test func malformedPacketClosesOnlyItsConnection() async throws {
        try await MQTTTestHarness.run { harness in
            try await harness.withClient(.v5) { (healthy: inout MQTTTestClient) async throws -> Void in
                #expect(try await healthy.connect(clientId: "healthy", username: "provision")?.reasonCode == .success)
                try await harness.withClient(.v5) { (broken: inout MQTTTestClient) async throws -> Void in
                    #expect(try await broken.connect(clientId: "broken", username: "provision")?.reasonCode == .success)
                    // PUBLISH whose topic is invalid UTF-8 (C3 28)
                    try await broken.sendRaw([0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00])
                    #expect(try await broken.receive() == .disconnect(.init(reasonCode: .malformedPacket)))
                    #expect(try await broken.receive() == nil)
                }
                try await healthy.send(.pingReq(.init()))
                #expect(try await healthy.receive() == .pingResp(.init()))
            }
        }
    }

    @Test func oversizedPacketIsRefusedBeforeBuffering() async throws {
        try await MQTTTestHarness.run(configuration: .init(host: "127.0.0.1", port: 0, maximumPacketSize: 256)) { harness in
            try await harness.withClient(.v5) { (client: inout MQTTTestClient) async throws -> Void in
                #expect(try await client.connect(username: "provision")?.reasonCode == .success)
                // Announces a 1 MB PUBLISH but sends only its header.
                try await client.sendRaw([0x30, 0x80, 0x80, 0x40])
                #expect(try await client.receive() == .disconnect(.init(reasonCode: .packetTooLarge)))
            }
        }
    }

    @Test func gracefulShutdownSendsServerShuttingDown() async throws {
        try await MQTTTestHarness.run { harness in
            _ = try await harness.fixture.devices.save(EntityDraft(name: "quiet"), accessToken: "quiet-token", tenantId: harness.fixture.tenant.id)
            let (connected, signal) = AsyncStream.makeStream(of: Void.self)
            let waiter = Task {
                try await harness.withClient(.v5) { client -> MQTTPacket? in
                    #expect(try await client.connect(username: "quiet-token")?.reasonCode == .success)
                    signal.yield()
                    return try await client.receive()
                }
            }
            var iterator = connected.makeAsyncIterator()
            _ = await iterator.next()
            await harness.shutdown()
            #expect(try await waiter.value == .disconnect(.init(reasonCode: .serverShuttingDown)))
        }
    }

    @Test func moreUnacknowledgedPublishesThanTheReceiveMaximumCloseWith0x93() async throws {
        try await MQTTTestHarness.run(configuration: .init(host: "127.0.0.1", port: 0, receiveMaximum: 2)) { harness in
            _ = try await harness.fixture.devices.save(EntityDraft(name: "flood"), accessToken: "flood-token", tenantId: harness.fixture.tenant.id)
            try await harness.withClient(.v5) { (client: inout MQTTTestClient) async throws -> Void in
                let ack = try await client.connect(username: "flood-token")
                #expect(ack?.properties.receiveMaximum == 2)
                // Ten QoS 1 PUBLISHes in one write: the session can acknowledge at most one before the others arrive.
                var burst = ByteBuffer()
                for id in UInt16(1)...10 { Self.publish("v1/devices/me/telemetry", #"{"n":\#(id)}"#, id: id).write(to: &burst, version: .v5) }
                try await client.sendRaw(Array(buffer: burst))
                var last: MQTTPacket?
                while let packet = try await client.receive() { last = packet }
                #expect(last == .disconnect(.init(reasonCode: .receiveMaximumExceeded)))
            }
        }
    }
}
