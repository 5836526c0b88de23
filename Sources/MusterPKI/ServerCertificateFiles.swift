import Crypto
import Foundation
import SwiftASN1
import X509

/// The MQTT/TLS server's certificate and key files. When none are configured, Muster makes a self-signed ECDSA P-256
/// certificate once, in the data directory, so that TLS works out of the box.
package struct ServerCertificateFiles: Sendable, Hashable {
    /// The PEM certificate (chain) file.
    package var certificatePath: String
    /// The PEM private key file.
    package var privateKeyPath: String

    package init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    /// Why the self-signed certificate could not be made.
    package enum GenerationError: Error, Equatable, Sendable {
        /// Only one of the two files exists: Muster will not overwrite the other.
        case incompletePair(existing: String, missing: String)
        /// A file could not be written.
        case writeFailed(path: String, reason: String)
        /// The certificate could not be built or serialised.
        case signingFailed(reason: String)
    }
}

extension ServerCertificateFiles.GenerationError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .incompletePair(let existing, let missing):
            return "TLS: \(existing) exists but \(missing) does not; remove it or give --tls-cert and --tls-key"
        case .writeFailed(let path, let reason): return "TLS: cannot write \(path): \(reason)"
        case .signingFailed(let reason): return "TLS: cannot make a self-signed certificate: \(reason)"
        }
    }
}

extension ServerCertificateFiles {
    /// The self-signed pair in `directory` (`mqtt-server.pem`, `mqtt-server.key`), made on first use.
    /// - Parameters:
    ///   - directory: Where the files live (created when missing).
    ///   - hostNames: DNS names and IP addresses to put in the certificate's subject alternative names.
    ///   - now: The start of the validity period (ten years long).
    /// - Returns: The files, and whether they were made now.
    /// - Throws: ``GenerationError``.
    package static func selfSigned(
        in directory: String, hostNames: [String] = defaultHostNames, now: Date = Date()
    ) throws(GenerationError) -> (files: ServerCertificateFiles, created: Bool) {
        let files = ServerCertificateFiles(
            certificatePath: (directory as NSString).appendingPathComponent("mqtt-server.pem"),
            privateKeyPath: (directory as NSString).appendingPathComponent("mqtt-server.key")
        )
        let manager = FileManager.default
        switch (manager.fileExists(atPath: files.certificatePath), manager.fileExists(atPath: files.privateKeyPath)) {
        case (true, true): return (files, false)
        case (true, false): throw .incompletePair(existing: files.certificatePath, missing: files.privateKeyPath)
        case (false, true): throw .incompletePair(existing: files.privateKeyPath, missing: files.certificatePath)
        case (false, false): break
        }
        let (certificatePEM, keyPEM) = try makeSelfSigned(hostNames: hostNames, now: now)
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch { throw .writeFailed(path: directory, reason: "\(error)") }
        // The key first, readable by its owner only; the certificate's presence then means the pair is complete.
        try write(keyPEM, to: files.privateKeyPath, permissions: 0o600)
        try write(certificatePEM, to: files.certificatePath, permissions: 0o644)
        return (files, true)
    }

    private static func makeSelfSigned(hostNames: [String], now: Date) throws(GenerationError) -> (certificate: String, key: String) {
        do {
            let key = P256.Signing.PrivateKey()
            let privateKey = Certificate.PrivateKey(key)
            let name = try DistinguishedName {
                OrganizationName("Muster")
                CommonName("Muster MQTT server")
            }
            let alternativeNames = subjectAlternativeNames(hostNames)
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    SubjectKeyIdentifier(hash: privateKey.publicKey)
                    alternativeNames
                },
                issuerPrivateKey: privateKey
            )
            return (try certificate.serializeAsPEM().pemString + "\n", key.pemRepresentation + "\n")
        } catch {
            throw .signingFailed(reason: "\(error)")
        }
    }

    private static func write(_ text: String, to path: String, permissions: Int) throws(GenerationError) {
        let created = FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: permissions]
        )
        guard created else { throw .writeFailed(path: path, reason: "could not create the file") }
    }
}

extension ServerCertificateFiles {
    /// The names a generated certificate is valid for unless others are given.
    package static let defaultHostNames = ["localhost", "127.0.0.1", "::1"]

    /// `hostNames` as a certificate's subject alternative names: IP addresses as such, anything else as DNS names.
    static func subjectAlternativeNames(_ hostNames: [String]) -> SubjectAlternativeNames {
        SubjectAlternativeNames(hostNames.map { host in
            if let address = ipAddressBytes(host) { return GeneralName.ipAddress(ASN1OctetString(contentBytes: address[...])) }
            return GeneralName.dnsName(host)
        })
    }
}

/// The bytes of a textual IPv4 or IPv6 address, or `nil` for anything else.
private func ipAddressBytes(_ text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
    return nil
}
