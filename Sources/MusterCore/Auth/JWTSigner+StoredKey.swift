import Foundation
import Synchronization

extension JWTSigner {
    /// The installation setting (`settings` row) that holds the signing key: 64 random bytes, base64.
    package static let settingName = "jwt.signingKey"
    /// The setting that holds the key a rotation replaced and until when tokens it signed are still accepted:
    /// `<epoch milliseconds>:<key>` (empty, or a past time: none).
    package static let previousSettingName = "jwt.previousSigningKey"

    /// The stored value of a previous key accepted until `validUntil`.
    package static func previousSetting(key: String, validUntil: Int64) -> String { "\(validUntil):\(key)" }

    /// The signer and end of a stored previous key (``previousSetting(key:validUntil:)``), or `nil` for none.
    static func previous(fromSetting stored: String) -> (signer: JWTSigner, validUntil: Int64)? {
        let parts = stored.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let until = Int64(parts[0]), until > 0, !parts[1].isEmpty else { return nil }
        return (JWTSigner(storedKey: String(parts[1])), until)
    }

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
/// ``ClusterEvent/signingKeyChanged``). Every sign takes the current key; a verify also accepts the key a rotation
/// replaced, until its end (so that admins and scripts holding a token go on without logging in again).
package final class JWTSignerSlot: Sendable {
    private struct Keys {
        var current: JWTSigner
        var previous: (signer: JWTSigner, validUntil: Int64)?
    }

    private let keys: Mutex<Keys>

    package init(_ signer: JWTSigner) {
        self.keys = Mutex(Keys(current: signer))
    }

    /// The signer in use.
    package var current: JWTSigner { keys.withLock { $0.current } }

    /// Signs and verifies with `signer` from now on, and also verifies with `previous` until its `validUntil`.
    package func replace(with signer: JWTSigner, previous: (signer: JWTSigner, validUntil: Int64)? = nil) {
        keys.withLock { $0 = Keys(current: signer, previous: previous) }
    }

    /// The claims of `token` signed with the current key, or with the previous one before its end.
    package func verify(_ token: String, now: Int64) throws(AuthError) -> JSONValue {
        let keys = keys.withLock { $0 }
        do {
            return try keys.current.verify(token)
        } catch {
            guard let previous = keys.previous, now < previous.validUntil else { throw error }
            return try previous.signer.verify(token)
        }
    }
}

extension AuthService {
    /// Reads the signing key from the store (``JWTSigner/settingName``) and signs and verifies with it from now on,
    /// and the key a rotation replaced (``JWTSigner/previousSettingName``), whose tokens are accepted until its end;
    /// tokens of any other key are refused.
    /// - Throws: the store's error; the keys in use are then unchanged.
    package func reloadSigningKey() async throws {
        let stored = try await store.setting(JWTSigner.settingName) { JWTSigner.generateStoredKey() }
        let previous = try await store.setting(JWTSigner.previousSettingName) { "" }
        signerSlot.replace(with: JWTSigner(storedKey: stored), previous: JWTSigner.previous(fromSetting: previous))
    }
}
