/// A TLS client certificate as the core sees it: already parsed, and its chain's signatures already checked, by a
/// ``CertificateChainVerifier``.
package struct ClientCertificate: Sendable, Hashable {
    /// The base64 of the certificate's DER bytes: the value X.509 device credentials store (spec §4.3).
    package var base64DER: String
    /// The subject's common name, when it has one.
    package var commonName: String?
    /// Start of the validity period, in milliseconds since 1970.
    package var notValidBefore: Int64
    /// End of the validity period, in milliseconds since 1970.
    package var notValidAfter: Int64

    package init(base64DER: String, commonName: String?, notValidBefore: Int64, notValidAfter: Int64) {
        self.base64DER = base64DER
        self.commonName = commonName
        self.notValidBefore = notValidBefore
        self.notValidAfter = notValidAfter
    }

    /// The X.509 credentials id: the SHA3-256 hex of ``base64DER`` (ThingsBoard's `sha3Hash(base64(DER))`).
    package var credentialsId: String { SHA3Hash.hex(base64DER) }

    /// Whether `now` (milliseconds since 1970) lies within the validity period.
    package func isValid(at now: Int64) -> Bool { notValidBefore <= now && now <= notValidAfter }
}
