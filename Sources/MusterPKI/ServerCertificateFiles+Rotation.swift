import Crypto
import Foundation
import SwiftASN1
import X509

/// Rotating the generated MQTT/TLS certificate without touching clients: the self-signed certificate made on first
/// start (`mqtt-server.pem`, a CA with path length 0, which clients use as their CA file) stays; each rotation makes
/// a new key and a server certificate signed by it (`mqtt-leaf.key`, `mqtt-leaf.pem`: the leaf, then the CA), which
/// the TLS listener serves from then on. A client trusting `mqtt-server.pem` accepts every such certificate.
extension ServerCertificateFiles {
    /// What a rotation made.
    package struct Rotation: Sendable, Hashable {
        package var files: ServerCertificateFiles
        /// The new certificate's serial number, hex.
        package var serialNumber: String
        package var notValidAfter: Date
    }

    /// The pair the TLS listener serves from `directory`: the last rotated certificate when there is one, else the
    /// self-signed certificate itself.
    package static func active(in directory: String) -> ServerCertificateFiles {
        let leaf = leafFiles(in: directory)
        let manager = FileManager.default
        if manager.fileExists(atPath: leaf.certificatePath), manager.fileExists(atPath: leaf.privateKeyPath) { return leaf }
        return authorityFiles(in: directory)
    }

    /// Makes a new key and server certificate signed by the self-signed certificate of `directory`, valid for
    /// `days`, and puts them in place (key first, each written aside and renamed, so that a reader never sees half a
    /// file; the listener checks that the two match before it serves them).
    /// - Throws: ``GenerationError`` (no generated certificate in `directory`: nothing to sign with).
    package static func rotate(
        in directory: String, hostNames: [String] = defaultHostNames, days: Int = 825, now: Date = Date()
    ) throws(GenerationError) -> Rotation {
        let authority = authorityFiles(in: directory)
        let caCertificate: Certificate
        let caKey: P256.Signing.PrivateKey
        do {
            caCertificate = try Certificate(pemEncoded: try String(contentsOfFile: authority.certificatePath, encoding: .utf8))
            caKey = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: authority.privateKeyPath, encoding: .utf8))
        } catch {
            throw .signingFailed(reason: "no generated certificate to sign with in \(directory) (\(error))")
        }
        let key = P256.Signing.PrivateKey()
        let notValidAfter = now.addingTimeInterval(Double(days) * 86_400)
        let leafPEM: String
        let serial = Certificate.SerialNumber()
        do {
            // Not the authority's name: a certificate named as its issuer would look self-issued to path builders.
            let subject = try DistinguishedName {
                OrganizationName("Muster")
                CommonName("Muster MQTT server (rotated \(Int(now.timeIntervalSince1970)))")
            }
            let alternativeNames = subjectAlternativeNames(hostNames)
            let publicKey = Certificate.PublicKey(key.publicKey)
            let leaf = try Certificate(
                version: .v3, serialNumber: serial, publicKey: publicKey,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: notValidAfter,
                issuer: caCertificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectKeyIdentifier(hash: publicKey)
                    alternativeNames
                },
                issuerPrivateKey: Certificate.PrivateKey(caKey)
            )
            leafPEM = try leaf.serializeAsPEM().pemString + "\n" + caCertificate.serializeAsPEM().pemString + "\n"
        } catch {
            throw .signingFailed(reason: "\(error)")
        }
        let files = leafFiles(in: directory)
        try replace(files.privateKeyPath, with: key.pemRepresentation + "\n", permissions: 0o600)
        try replace(files.certificatePath, with: leafPEM, permissions: 0o644)
        let hex = serial.bytes.map { String(format: "%02x", $0) }.joined()
        return Rotation(files: files, serialNumber: hex, notValidAfter: notValidAfter)
    }

    private static func authorityFiles(in directory: String) -> ServerCertificateFiles {
        ServerCertificateFiles(
            certificatePath: (directory as NSString).appendingPathComponent("mqtt-server.pem"),
            privateKeyPath: (directory as NSString).appendingPathComponent("mqtt-server.key"))
    }

    private static func leafFiles(in directory: String) -> ServerCertificateFiles {
        ServerCertificateFiles(
            certificatePath: (directory as NSString).appendingPathComponent("mqtt-leaf.pem"),
            privateKeyPath: (directory as NSString).appendingPathComponent("mqtt-leaf.key"))
    }

    /// Writes `text` beside `path` and renames it over `path`.
    private static func replace(_ path: String, with text: String, permissions: Int) throws(GenerationError) {
        let aside = path + ".new"
        try? FileManager.default.removeItem(atPath: aside)
        guard FileManager.default.createFile(atPath: aside, contents: Data(text.utf8), attributes: [.posixPermissions: permissions])
        else { throw .writeFailed(path: aside, reason: "could not create the file") }
        guard rename(aside, path) == 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }
}
