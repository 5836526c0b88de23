import Crypto
import Foundation
import SwiftASN1
import MusterPKI
import MusterTestSupport
import Testing
import X509

/// The generated MQTT/TLS pair rotated: a new key and certificate signed by the first-start certificate, which
/// clients keep as their CA.
@Suite struct ServerCertificateRotationTests {
    @Test func aRotatedCertificateIsSignedByTheGeneratedOneAndBecomesTheActivePair() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tls = directory.appending("tls")
        let (authority, _) = try ServerCertificateFiles.selfSigned(in: tls)
        #expect(ServerCertificateFiles.active(in: tls) == authority)

        let first = try ServerCertificateFiles.rotate(in: tls, hostNames: ["localhost", "10.0.0.7"], days: 30)
        #expect(ServerCertificateFiles.active(in: tls) == first.files)
        let ca = try Certificate(pemEncoded: try String(contentsOfFile: authority.certificatePath, encoding: .utf8))
        let chain = try String(contentsOfFile: first.files.certificatePath, encoding: .utf8)
        let leaf = try Certificate(pemEncoded: String(chain[..<chain.range(of: "-----END CERTIFICATE-----")!.upperBound]))
        #expect(leaf.issuer == ca.subject && leaf.subject != ca.subject)
        #expect(ca.publicKey.isValidSignature(leaf.signature, for: leaf))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")) && names.count == 2)
        #expect(abs(leaf.notValidAfter.timeIntervalSinceNow - 30 * 86_400) < 120)
        let key = try P256.Signing.PrivateKey(
            pemRepresentation: try String(contentsOfFile: first.files.privateKeyPath, encoding: .utf8))
        #expect(Certificate.PublicKey(key.publicKey) == leaf.publicKey, "the key file matches the certificate")
        let mode = try FileManager.default.attributesOfItem(atPath: first.files.privateKeyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try ServerCertificateFiles.rotate(in: tls)
        #expect(second.serialNumber != first.serialNumber)
        #expect(ServerCertificateFiles.active(in: tls) == second.files)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tls).filter { $0.hasSuffix(".new") }.isEmpty)
    }

    @Test func withoutAGeneratedCertificateThereIsNothingToSignWith() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: ServerCertificateFiles.GenerationError.self) {
            try ServerCertificateFiles.rotate(in: directory.appending("tls"))
        }
    }
}
