import Foundation
import MusterCore
import MusterPKI
import MusterTestSupport
import Testing

/// Spec §2.8 step 1: a presented chain is checked link by link with real certificates made at test time.
@Suite struct X509ChainVerifierTests {
    let verifier = X509ChainVerifier()

    @Test func aLeafSignedByItsCAVerifiesAndIsDescribed() throws {
        let ca = try TestCertificateAuthority()
        let before = Date(timeIntervalSince1970: 1_780_000_000)
        let leaf = try ca.issue(commonName: "sensor-1.company.com", notValidBefore: before, notValidAfter: before.addingTimeInterval(86_400))
        let chain = try verifier.verify(chain: [leaf.der, ca.root.der])
        #expect(chain.count == 2)
        #expect(chain[0].commonName == "sensor-1.company.com")
        #expect(chain[0].base64DER == leaf.base64)
        #expect(chain[0].notValidBefore == 1_780_000_000_000)
        #expect(chain[0].notValidAfter == 1_780_086_400_000)
        #expect(chain[1].commonName == "Muster Test CA")
        // The credentials id is ThingsBoard's sha3(base64(DER)), the same as the profile key of a CA secret.
        #expect(chain[1].credentialsId == CertificateChainSecret.normalize(ca.root.pem).provisionKey)
        #expect(chain[0].credentialsId == (try CredentialRules.x509(leaf.pem)).credentialsId)
    }

    @Test func aSelfSignedLeafAloneVerifies() throws {
        let device = try TestCertificateAuthority.selfSigned(commonName: "lonely")
        #expect(try verifier.verify(chain: [device.der]).map(\.commonName) == ["lonely"])
    }

    @Test func aLeafOfAnotherCAWithTheRealCAAppendedIsABrokenLink() throws {
        let real = try TestCertificateAuthority(commonName: "Muster Test CA")
        let forger = try TestCertificateAuthority(commonName: "Muster Test CA")  // same name, other key
        let forged = try forger.issue(commonName: "intruder")
        #expect(throws: CertificateChainError.brokenLink(index: 0)) { try verifier.verify(chain: [forged.der, real.root.der]) }
        let unrelated = try TestCertificateAuthority(commonName: "Other CA")
        #expect(throws: CertificateChainError.brokenLink(index: 0)) { try verifier.verify(chain: [forged.der, unrelated.root.der]) }
    }

    @Test func aBrokenLinkHigherUpIsFound() throws {
        let ca = try TestCertificateAuthority()
        let other = try TestCertificateAuthority(commonName: "Other CA")
        let leaf = try ca.issue(commonName: "d")
        #expect(throws: CertificateChainError.brokenLink(index: 1)) { try verifier.verify(chain: [leaf.der, ca.root.der, other.root.der]) }
    }

    @Test func garbageAndEmptyChains() throws {
        let ca = try TestCertificateAuthority()
        #expect(throws: CertificateChainError.empty) { try verifier.verify(chain: []) }
        #expect(throws: CertificateChainError.unreadable(index: 1)) { try verifier.verify(chain: [ca.root.der, [0x30, 0x03, 0x02, 0x01]]) }
        #expect(throws: CertificateChainError.unreadable(index: 0)) { try verifier.verify(chain: [Array(ca.root.der.dropLast(3))]) }
    }
}
