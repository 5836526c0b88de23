import Foundation
import Logging
import MusterCore
import NIOCore
import NIOSSL
import Synchronization

/// TLS for the MQTT listener: the server's certificate and key, and client certificates requested but optional
/// (provisioning and token devices connect without one). A presented chain is checked link by link during the
/// handshake by the core's ``CertificateChainVerifier``; a broken chain fails the handshake (spec §2.8 step 1).
package struct MQTTServerTLS: Sendable {
    private let contexts: TLSContextReloader
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
        try self.init(files: { (certificatePath, privateKeyPath) }, chainVerifier: chainVerifier)
    }

    /// A TLS setup that follows its files: at most every `checkInterval`, a new connection checks whether the
    /// files `files` names (or their modification times) changed, and from then on serves the new pair, so that a
    /// certificate rotated on disk (`muster rotate-mqtt-certificate`, or an operator's renewed pair) is served
    /// without a restart. A new pair that cannot be used (half written, key and certificate not matching) is
    /// logged and the pair in use stays, to be tried again at the next check.
    /// - Throws: ``SetupError`` when the first pair cannot be used.
    package init(
        files: @escaping @Sendable () -> (certificate: String, privateKey: String),
        chainVerifier: any CertificateChainVerifier, checkInterval: Duration = .seconds(2),
        logger: Logger = Logger(label: "muster.mqtt.tls")
    ) throws(SetupError) {
        contexts = try TLSContextReloader(files: files, checkInterval: checkInterval, logger: logger)
        self.chainVerifier = chainVerifier
    }

    /// The context a new connection uses now.
    var context: NIOSSLContext { contexts.current() }

    static func makeContext(certificatePath: String, privateKeyPath: String) throws(SetupError) -> NIOSSLContext {
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
        do { return try NIOSSLContext(configuration: configuration) } catch { throw .invalidContext(reason: "\(error)") }
    }

    /// A server handler for one connection; the chain its client presents lands in `peer`.
    func makeHandler(recordingInto peer: PeerCertificates) -> NIOSSLServerHandler {
        let verifier = chainVerifier
        return NIOSSLServerHandler(context: contexts.current()) { presented, promise in
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

/// The TLS context of the listener, rebuilt when its files change (``MQTTServerTLS/init(files:chainVerifier:checkInterval:logger:)``).
final class TLSContextReloader: Sendable {
    private struct State {
        var context: NIOSSLContext
        var stamp: FileStamp
        var lastCheck: ContinuousClock.Instant
        /// The stamp of a pair that could not be used, logged once.
        var refused: FileStamp?
    }

    /// What identifies the files' content: their paths, sizes and modification times.
    private struct FileStamp: Hashable {
        var paths: [String]
        var details: [String]

        init(_ paths: [String]) {
            self.paths = paths
            details = paths.map { path in
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
                let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                return "\(attributes[.size] ?? 0)@\(modified)@\(attributes[.systemFileNumber] ?? 0)"
            }
        }
    }

    private let files: @Sendable () -> (certificate: String, privateKey: String)
    private let checkInterval: Duration
    private let logger: Logger
    private let state: Mutex<State>

    init(
        files: @escaping @Sendable () -> (certificate: String, privateKey: String), checkInterval: Duration, logger: Logger
    ) throws(MQTTServerTLS.SetupError) {
        let (certificate, key) = files()
        let stamp = FileStamp([certificate, key])
        let context = try MQTTServerTLS.makeContext(certificatePath: certificate, privateKeyPath: key)
        self.files = files
        self.checkInterval = checkInterval
        self.logger = logger
        state = Mutex(State(context: context, stamp: stamp, lastCheck: .now))
    }

    /// The context in use, after checking the files when the last check is older than the interval.
    func current() -> NIOSSLContext {
        let now = ContinuousClock.now
        let (context, due) = state.withLock { state -> (NIOSSLContext, Bool) in
            guard now - state.lastCheck >= checkInterval else { return (state.context, false) }
            state.lastCheck = now
            return (state.context, true)
        }
        guard due else { return context }
        let (certificate, key) = files()
        let stamp = FileStamp([certificate, key])
        let known = state.withLock { $0.stamp == stamp || $0.refused == stamp }
        guard !known else { return context }
        do {
            let fresh = try MQTTServerTLS.makeContext(certificatePath: certificate, privateKeyPath: key)
            state.withLock { state in
                state.context = fresh
                state.stamp = stamp
                state.refused = nil
            }
            logger.notice("serving a new TLS certificate", metadata: ["certificate": "\(certificate)"])
            return fresh
        } catch {
            state.withLock { $0.refused = stamp }
            logger.warning(
                "the TLS certificate files changed but cannot be used; the previous certificate is still served",
                metadata: ["certificate": "\(certificate)", "error": "\(error)"])
            return context
        }
    }
}
