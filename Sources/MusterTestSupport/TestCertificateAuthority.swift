import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate made at test time, with its key, as DER and PEM.
package struct TestCertificate: Sendable {
    fileprivate let certificate: Certificate
    fileprivate let key: P256.Signing.PrivateKey

    /// The DER bytes.
    package var der: [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(certificate)  // A certificate this type built always serialises.
        return serializer.serializedBytes
    }
    /// The certificate as PEM.
    package var pem: String { try! certificate.serializeAsPEM().pemString + "\n" }
    /// The private key as PEM (PKCS #8).
    package var keyPEM: String { key.pemRepresentation + "\n" }
    /// The base64 of the DER bytes (what X.509 credentials store).
    package var base64: String { Data(der).base64EncodedString() }
}

/// An in-process certificate authority for tests: ECDSA P-256, one CA certificate, leaves signed by it, and
/// self-signed device certificates.
package struct TestCertificateAuthority: Sendable {
    /// The CA's own certificate.
    package let root: TestCertificate

    /// A new CA called `commonName`, valid from an hour ago for a year.
    package init(commonName: String = "Muster Test CA") throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let signer = Certificate.PrivateKey(key)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signer.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: signer
        )
        root = TestCertificate(certificate: certificate, key: key)
    }

    /// A device certificate signed by this CA.
    package func issue(
        commonName: String, notValidBefore: Date = Date().addingTimeInterval(-3600), notValidAfter: Date = Date().addingTimeInterval(86_400)
    ) throws -> TestCertificate {
        try Self.make(commonName: commonName, issuer: root, notValidBefore: notValidBefore, notValidAfter: notValidAfter)
    }

    /// A self-signed device certificate.
    package static func selfSigned(
        commonName: String, notValidBefore: Date = Date().addingTimeInterval(-3600), notValidAfter: Date = Date().addingTimeInterval(86_400)
    ) throws -> TestCertificate {
        try make(commonName: commonName, issuer: nil, notValidBefore: notValidBefore, notValidAfter: notValidAfter)
    }

    private static func make(commonName: String, issuer: TestCertificate?, notValidBefore: Date, notValidAfter: Date) throws -> TestCertificate {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(commonName) }
        let signerKey = issuer?.key ?? key
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            issuer: issuer?.certificate.subject ?? subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.notCertificateAuthority) },
            issuerPrivateKey: Certificate.PrivateKey(signerKey)
        )
        return TestCertificate(certificate: certificate, key: key)
    }
}
