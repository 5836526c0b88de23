import Crypto
import CryptoExtras
import Foundation

/// Hashes and checks admin passwords with PBKDF2-HMAC-SHA256 (210,000 rounds, 16-byte salt).
/// The stored form is `pbkdf2-sha256$<rounds>$<salt base64>$<hash base64>`.
package enum PasswordHasher {
    private static let rounds = 210_000

    /// The stored form of `password`.
    package static func hash(_ password: String) -> String {
        let salt = SecureRandom.bytes(16)
        let derived = derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `stored`, compared in constant time.
    package static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        return constantTimeEquals(derive(password, salt: Array(salt), rounds: rounds), Array(expected))
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) -> [UInt8] {
        guard let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds
        ) else { return [] }
        return key.withUnsafeBytes { Array($0) }
    }
}
