/// Why a presented certificate chain was refused.
package enum CertificateChainError: Error, Equatable, Sendable {
    /// The peer presented no certificate.
    case empty
    /// The certificate at `index` (0 = leaf) is not a readable X.509 certificate.
    case unreadable(index: Int)
    /// The certificate at `index` is not signed by the key of the certificate at `index + 1`.
    case brokenLink(index: Int)
}

/// Parses a TLS peer's certificate chain and checks it link by link (spec §2.8 step 1): each certificate's signature
/// must verify with the next one's public key. Validity dates are left to the caller, which knows the time.
package protocol CertificateChainVerifier: Sendable {
    /// - Parameter chain: The DER bytes of each certificate, leaf first, as the peer sent them.
    /// - Returns: The certificates, leaf first.
    /// - Throws: ``CertificateChainError``.
    func verify(chain: [[UInt8]]) throws(CertificateChainError) -> [ClientCertificate]
}
