import MusterCore
import Synchronization

/// The certificate chain a TLS client presented, set during the handshake and read when its CONNECT arrives.
final class PeerCertificates: Sendable {
    private let state = Mutex<[ClientCertificate]?>(nil)
    private let refusal = Mutex<CertificateChainError?>(nil)

    func store(_ chain: [ClientCertificate]) { state.withLock { $0 = chain } }
    func refuse(_ error: CertificateChainError) { refusal.withLock { $0 = error } }

    /// The verified chain, leaf first; `nil` when the client presented none.
    var chain: [ClientCertificate]? { state.withLock { $0 } }
    /// Why the handshake refused the client's chain, if it did.
    var refusedBecause: CertificateChainError? { refusal.withLock { $0 } }
}
