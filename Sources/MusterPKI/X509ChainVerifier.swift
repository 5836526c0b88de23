import Foundation
import MusterCore
import SwiftASN1
import X509

/// The core's ``CertificateChainVerifier`` on swift-certificates: parses each DER certificate and checks that every
/// certificate is signed by the key of the one after it (spec §2.8 step 1). Whether the chain ends at a trusted CA is
/// decided by the core (a profile's CA, or a device's own certificate), not here.
package struct X509ChainVerifier: CertificateChainVerifier {
    package init() {}

    package func verify(chain: [[UInt8]]) throws(CertificateChainError) -> [ClientCertificate] {
        guard !chain.isEmpty else { throw .empty }
        var certificates: [Certificate] = []
        certificates.reserveCapacity(chain.count)
        for (index, der) in chain.enumerated() {
            do { certificates.append(try Certificate(derEncoded: der)) } catch { throw .unreadable(index: index) }
        }
        for index in certificates.indices.dropLast() {
            let certificate = certificates[index]
            guard certificate.issuer == certificates[index + 1].subject,
                certificates[index + 1].publicKey.isValidSignature(certificate.signature, for: certificate)
            else { throw .brokenLink(index: index) }
        }
        return zip(chain, certificates).map { der, certificate in
            ClientCertificate(
                base64DER: Data(der).base64EncodedString(), commonName: certificate.subject.commonName,
                notValidBefore: Self.milliseconds(certificate.notValidBefore),
                notValidAfter: Self.milliseconds(certificate.notValidAfter)
            )
        }
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension DistinguishedName {
    /// The first common name (`CN`) attribute, as text.
    var commonName: String? {
        for rdn in self {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let text = String(attribute.value) { return text }
            }
        }
        return nil
    }
}
