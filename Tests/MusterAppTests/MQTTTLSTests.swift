import Foundation
import MusterCore
import MusterMQTTCodec
import MusterTestSupport
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// MQTT over TLS through the composition root: the self-signed server certificate it made in the data directory,
/// client certificates from an in-process CA, and X.509 certificate-chain provisioning end to end.
@Suite struct MQTTTLSTests {
    /// How a TLS connection attempt ended.
    enum Outcome: Equatable {
        /// The server answered the CONNECT.
        case connAck(MQTTReasonCode)
        /// TLS refused the connection: a handshake failure or an alert from the server.
        case handshakeRefused
        /// The connection closed cleanly without a CONNACK.
        case closedWithoutAnswer
        /// Anything else (a reset, a decode error, …), described.
        case failed(String)
    }

    /// Connects to the TLS listener trusting the server's generated certificate, presents `chain` (leaf first) with
    /// `keyPEM`, sends an MQTT 3.1.1 CONNECT and tells how it ended.
    private func connect(_ server: TestServer, chain: [TestCertificate], keyPEM: String) async throws -> Outcome {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(server.dataDirectory + "/tls/mqtt-server.pem")
        configuration.certificateChain = try chain.map { .certificate(try NIOSSLCertificate(bytes: Array($0.pem.utf8), format: .pem)) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        let context = try NIOSSLContext(configuration: configuration)
        let port = try #require(server.ports["mqtts"])
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var bytes = ByteBuffer()
            MQTTPacket.connect(.init(protocolVersion: .v311, clientIdentifier: "tls-test")).write(to: &bytes, version: .v311)
            var decoder = MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(.v311))
            var buffer = ByteBuffer()
            // When the server refuses the certificate (TLS 1.3: after the client's handshake ended), the write may
            // meet the closed channel; the reason, the server's alert, is then read from the inbound side.
            var writeFailure: (any Error)?
            do { try await outbound.write(bytes) } catch { writeFailure = error }
            do {
                for try await chunk in inbound {
                    buffer.writeImmutableBuffer(chunk)
                    if case .connAck(let ack)? = try decoder.decode(buffer: &buffer) { return .connAck(ack.reasonCode) }
                }
            } catch let error as NIOSSLError {
                // TLS 1.2: the handshake fails on the client.
                guard case .handshakeFailed = error else { return .failed("\(error)") }
                return .handshakeRefused
            } catch let error as BoringSSLError {
                // TLS 1.3: the client's handshake ends first; the server's alert arrives on the first read.
                guard case .sslError = error else { return .failed("\(error)") }
                return .handshakeRefused
            } catch {
                return .failed("\(error)")
            }
            if let writeFailure { return .failed("\(writeFailure)") }
            return .closedWithoutAnswer
        }
    }

    private func chainProfile(_ server: TestServer, token: String, ca: TestCertificateAuthority) async throws {
        let body = """
            {"name":"Meters","provisionType":"X509_CERTIFICATE_CHAIN","profileData":{"provisionConfiguration":{
            "type":"X509_CERTIFICATE_CHAIN","provisionDeviceSecret":\(JSONValue.quoted(ca.root.pem)),
            "certificateRegExPattern":"(.*)\\\\.meters\\\\.example","allowCreateNewDevicesByX509Certificate":true}}}
            """
        let reply = try await server.send("POST", "/api/deviceProfile", body: body, token: token)
        #expect(reply.status == 200, "\(reply.text)")
    }

    @Test func aChainSignedByAProfilesCAProvisionsItsDeviceAndAuthenticatesIt() async throws {
        try await TestServer.run { server in
            let token = try await server.login()
            let ca = try TestCertificateAuthority(commonName: "Meters CA")
            try await chainProfile(server, token: token, ca: ca)
            let leaf = try ca.issue(commonName: "m-17.meters.example")
            #expect(try await connect(server, chain: [leaf, ca.root], keyPEM: leaf.keyPEM) == .connAck(.success))
            let device = try await server.send("GET", "/api/tenant/device?deviceName=m-17", token: token)
            #expect(device.status == 200, "\(device.text)")
            let id = try #require(try device.json()["id"]?["id"]?.stringValue)
            let credentials = try await server.send("GET", "/api/device/\(id)/credentials", token: token).json()
            #expect(credentials["credentialsType"] == .string("X509_CERTIFICATE"))
            #expect(credentials["credentialsValue"] == .string(leaf.base64))
            let state = try await server.send(
                "GET", "/api/plugins/telemetry/DEVICE/\(id)/values/attributes/SERVER_SCOPE?keys=provisionState", token: token
            )
            #expect(try state.json()[0]?["value"] == .string("provisioned"))
            // The leaf alone now authenticates the same device.
            #expect(try await connect(server, chain: [leaf], keyPEM: leaf.keyPEM) == .connAck(.success))
            let list = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
            #expect(try list.json()["totalElements"] == .number("1"))
        }
    }

    @Test func aForgedChainFailsTheHandshakeAndAnUnknownCertificateIsNotAuthorized() async throws {
        try await TestServer.run { server in
            let token = try await server.login()
            let ca = try TestCertificateAuthority(commonName: "Meters CA")
            try await chainProfile(server, token: token, ca: ca)
            let forger = try TestCertificateAuthority(commonName: "Meters CA")
            let forged = try forger.issue(commonName: "intruder.meters.example")
            let forgedOutcome = try await connect(server, chain: [forged, ca.root], keyPEM: forged.keyPEM)
            #expect(forgedOutcome == .handshakeRefused, "\(forgedOutcome)")
            let stranger = try TestCertificateAuthority.selfSigned(commonName: "stranger.meters.example")
            #expect(try await connect(server, chain: [stranger], keyPEM: stranger.keyPEM) == .connAck(.notAuthorized))
            let list = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
            #expect(try list.json()["totalElements"] == .number("0"))
        }
    }
}
