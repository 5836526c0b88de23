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
    /// Connects to the TLS listener trusting the server's generated certificate, presents `chain` (leaf first) with
    /// `keyPEM`, sends an MQTT 3.1.1 CONNECT and returns the CONNACK's reason, or `nil` when the connection ended first.
    private func connect(_ server: TestServer, chain: [TestCertificate], keyPEM: String) async throws -> MQTTReasonCode? {
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
            do { try await outbound.write(bytes) } catch { return nil }
            var decoder = MQTTPacketDecoder(connectionVersion: MQTTConnectionVersion(.v311))
            var buffer = ByteBuffer()
            do {
                for try await chunk in inbound {
                    buffer.writeImmutableBuffer(chunk)
                    if case .connAck(let ack)? = try decoder.decode(buffer: &buffer) { return ack.reasonCode }
                }
            } catch {
                return nil  // the handshake was refused
            }
            return nil
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
            #expect(try await connect(server, chain: [leaf, ca.root], keyPEM: leaf.keyPEM) == .success)
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
            #expect(try await connect(server, chain: [leaf], keyPEM: leaf.keyPEM) == .success)
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
            #expect(try await connect(server, chain: [forged, ca.root], keyPEM: forged.keyPEM) == nil)
            let stranger = try TestCertificateAuthority.selfSigned(commonName: "stranger.meters.example")
            #expect(try await connect(server, chain: [stranger], keyPEM: stranger.keyPEM) == .notAuthorized)
            let list = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
            #expect(try list.json()["totalElements"] == .number("0"))
        }
    }
}
