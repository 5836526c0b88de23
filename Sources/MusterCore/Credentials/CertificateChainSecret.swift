import Foundation

/// How ThingsBoard stores the CA certificate of an X.509 certificate-chain profile (spec §1.3,
/// `DeviceProfileServiceImpl.formatDeviceProfileCertificate`): the secret is normalised and the provision key
/// becomes the SHA3-256 id of its first certificate, so that a device's chain can find the profile.
package enum CertificateChainSecret {
    private static let begin = "-----BEGIN CERTIFICATE-----"
    private static let end = "-----END CERTIFICATE-----"

    /// The normalised secret and the provision key it implies.
    /// - Parameter pem: One certificate or a chain, as PEM (or bare base64).
    /// - Returns: A single certificate becomes bare base64; a chain keeps its markers, one block per line group;
    ///   the key is the SHA3-256 hex of the first certificate's trimmed base64.
    package static func normalize(_ pem: String) -> (secret: String, provisionKey: String) {
        let blocks = certificateBlocks(pem)
        let leaf = blocks.first ?? pem
        let key = SHA3Hash.hex(CredentialRules.trimCertificate(leaf))
        guard blocks.count > 1 else { return (CredentialRules.trimCertificate(pem), key) }
        let chain = blocks.map { "\(begin)\n\(CredentialRules.trimCertificate($0))\n\(end)" }.joined(separator: "\n")
        return (chain, key)
    }

    /// The `BEGIN … END CERTIFICATE` blocks of `pem`, markers included, in order.
    package static func certificateBlocks(_ pem: String) -> [String] {
        var blocks: [String] = []
        var rest = pem[...]
        while let start = rest.range(of: begin), let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) {
            blocks.append(String(rest[start.lowerBound..<stop.upperBound]))
            rest = rest[stop.upperBound...]
        }
        return blocks
    }
}
