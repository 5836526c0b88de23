import Foundation
import MusterCore
import MusterPKI
import MusterTestSupport
import Testing

@Suite struct ServerCertificateFilesTests {
    @Test func makesAValidSelfSignedPairOnceAndReusesIt() throws {
        let directory = try TemporaryDirectory()
        let tls = directory.path + "/tls"
        let (files, created) = try ServerCertificateFiles.selfSigned(in: tls)
        #expect(created)
        let pem = try String(contentsOfFile: files.certificatePath, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(try String(contentsOfFile: files.privateKeyPath, encoding: .utf8).contains("PRIVATE KEY"))
        let permissions = try FileManager.default.attributesOfItem(atPath: files.privateKeyPath)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        // Self-signed: it verifies as a one-certificate chain, and is valid now.
        let der = try #require(Data(base64Encoded: CredentialRules.trimCertificate(pem)))
        let parsed = try X509ChainVerifier().verify(chain: [Array(der)])
        #expect(parsed[0].commonName == "Muster MQTT server")
        #expect(parsed[0].isValid(at: Int64(Date().timeIntervalSince1970 * 1000)))

        let (again, createdAgain) = try ServerCertificateFiles.selfSigned(in: tls)
        #expect(!createdAgain)
        #expect(again == files)
        #expect(try String(contentsOfFile: again.certificatePath, encoding: .utf8) == pem)
    }

    @Test func anIncompletePairIsNotOverwritten() throws {
        let directory = try TemporaryDirectory()
        let (files, _) = try ServerCertificateFiles.selfSigned(in: directory.path)
        try FileManager.default.removeItem(atPath: files.privateKeyPath)
        #expect(throws: ServerCertificateFiles.GenerationError.incompletePair(existing: files.certificatePath, missing: files.privateKeyPath)) {
            try ServerCertificateFiles.selfSigned(in: directory.path)
        }
    }
}
