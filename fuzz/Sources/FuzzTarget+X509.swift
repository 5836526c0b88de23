import Foundation
import MusterCore
import MusterPKI

extension FuzzTarget {
    /// The X.509 chain reader: the certificate chain a TLS client presents (DER, checked link by link by
    /// ``X509ChainVerifier``, then named by its leaf's common name) and the PEM text an admin or a device sends (a
    /// chain profile's CA secret, a device's certificate credentials). First byte: even for DER records
    /// `[length, 2 bytes big-endian][DER]` (up to 4 certificates), odd for PEM text. Invariant: a chain that verifies
    /// gives one certificate per DER, each carrying exactly its DER.
    static func x509Chains(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let rest = bytes.dropFirst()
        if first & 1 == 0 {
            var chain: [[UInt8]] = []
            var index = rest.startIndex
            while index + 2 <= rest.endIndex, chain.count < 4 {
                let length = min(Int(rest[index]) << 8 | Int(rest[index + 1]), rest.endIndex - index - 2)
                chain.append(Array(rest[(index + 2)..<(index + 2 + length)]))
                index += 2 + length
            }
            verifyChain(chain)
        } else {
            let text = String(decoding: rest, as: UTF8.self)
            _ = try? CredentialRules.x509Certificate(text)
            let (secret, _) = CertificateChainSecret.normalize(text)
            let blocks = CertificateChainSecret.certificateBlocks(secret)
            let ders = (blocks.isEmpty ? [secret] : blocks).prefix(4).compactMap {
                Data(base64Encoded: CredentialRules.trimCertificate($0)).map(Array.init)
            }
            verifyChain(ders)
        }
    }

    private static func verifyChain(_ chain: [[UInt8]]) {
        guard let certificates = try? X509ChainVerifier().verify(chain: chain) else { return }
        guard certificates.count == chain.count,
            zip(certificates, chain).allSatisfy({ Data(base64Encoded: $0.base64DER).map(Array.init) == $1 })
        else { fatalError("a verified chain does not carry the certificates it was given") }
        _ = try? ProvisionService.deviceName(commonName: certificates[0].commonName, pattern: nil)
    }
}
