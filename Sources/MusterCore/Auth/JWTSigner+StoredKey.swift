import Foundation
import Synchronization

extension JWTSigner {
    /// The installation setting (`settings` row) that holds the signing key: 64 random bytes, base64.
    package static let settingName = "jwt.signingKey"

    /// A new random key as stored: 64 bytes, base64.
    package static func generateStoredKey() -> String {
        Data(SecureRandom.bytes(64)).base64EncodedString()
    }

    /// The signer of a stored key (base64; any other text is used as its UTF-8 bytes).
    package init(storedKey: String) {
        self.init(keyBytes: Array(Data(base64Encoded: storedKey) ?? Data(storedKey.utf8)))
    }
}

/// The signer ``AuthService`` uses, replaceable while the server runs (a rotated key, announced by
/// ``ClusterEvent/signingKeyChanged``). Every sign and verify takes the current one.
package final class JWTSignerSlot: Sendable {
    private let signer: Mutex<JWTSigner>

    package init(_ signer: JWTSigner) {
        self.signer = Mutex(signer)
    }

    /// The signer in use.
    package var current: JWTSigner { signer.withLock { $0 } }

    /// Signs and verifies with `signer` from now on.
    package func replace(with signer: JWTSigner) {
        self.signer.withLock { $0 = signer }
    }
}

extension AuthService {
    /// Reads the signing key from the store (``JWTSigner/settingName``) and signs and verifies with it from now on:
    /// tokens signed with the previous key are refused.
    /// - Throws: the store's error; the key in use is then unchanged.
    package func reloadSigningKey() async throws {
        let stored = try await store.setting(JWTSigner.settingName) { JWTSigner.generateStoredKey() }
        signerSlot.replace(with: JWTSigner(storedKey: stored))
    }
}
