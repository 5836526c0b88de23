import MusterCore
import NIOCore
import NIOSSL

/// TLS for the MQTT listener: the server's certificate and key, and client certificates requested but optional
/// (provisioning and token devices connect without one). A presented chain is checked link by link during the
/// handshake by the core's ``CertificateChainVerifier``; a broken chain fails the handshake (spec §2.8 step 1).
package struct MQTTServerTLS: Sendable {
    let context: NIOSSLContext
    let chainVerifier: any CertificateChainVerifier

    /// Why TLS could not be set up.
    package enum SetupError: Error, Equatable, Sendable {
        case unreadableCertificate(path: String, reason: String)
        case unreadablePrivateKey(path: String, reason: String)
        case invalidContext(reason: String)
    }

    /// - Parameters:
    ///   - certificatePath: The server's PEM certificate chain, leaf first.
    ///   - privateKeyPath: The server's PEM private key.
    ///   - chainVerifier: Checks the chains clients present.
    /// - Throws: ``SetupError``.
    package init(certificatePath: String, privateKeyPath: String, chainVerifier: any CertificateChainVerifier) throws(SetupError) {
        let certificates: [NIOSSLCertificate]
        do { certificates = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw .unreadableCertificate(path: certificatePath, reason: "\(error)")
        }
        guard !certificates.isEmpty else { throw .unreadableCertificate(path: certificatePath, reason: "no certificate in the file") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem) } catch {
            throw .unreadablePrivateKey(path: privateKeyPath, reason: "\(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.certificateVerification = .optionalVerification
        configuration.minimumTLSVersion = .tlsv12
        do { context = try NIOSSLContext(configuration: configuration) } catch { throw .invalidContext(reason: "\(error)") }
        self.chainVerifier = chainVerifier
    }

    /// A server handler for one connection; the chain its client presents lands in `peer`.
    func makeHandler(recordingInto peer: PeerCertificates) -> NIOSSLServerHandler {
        let verifier = chainVerifier
        return NIOSSLServerHandler(context: context) { presented, promise in
            let der: [[UInt8]]
            do { der = try presented.map { try $0.toDERBytes() } } catch {
                promise.succeed(.failed)
                return
            }
            do throws(CertificateChainError) {
                peer.store(try verifier.verify(chain: der))
                promise.succeed(.certificateVerified)
            } catch {
                peer.refuse(error)
                promise.succeed(.failed)
            }
        }
    }
}

extension MQTTServerTLS.SetupError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .unreadableCertificate(let path, let reason): return "TLS: cannot read the certificate \(path): \(reason)"
        case .unreadablePrivateKey(let path, let reason): return "TLS: cannot read the private key \(path): \(reason)"
        case .invalidContext(let reason): return "TLS: the certificate and key do not make a TLS context: \(reason)"
        }
    }
}
