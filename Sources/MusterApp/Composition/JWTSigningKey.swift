import Foundation
import Logging
import MusterCore
import Configuration

/// The HS512 key that signs admin JWTs: 64 random bytes, base64, stored in the database's `settings` table (row
/// `jwt.signingKey`), made on the first start and read at every start.
package enum JWTSigningKey {
    /// The `settings` row that holds the key.
    package static let settingName = "jwt.signingKey"

    /// A new random key, base64.
    package static func generate() -> String {
        Data(SecureRandom.bytes(64)).base64EncodedString()
    }

    /// The signer for a stored key (base64; any other text is used as its UTF-8 bytes).
    static func signer(_ stored: String) -> JWTSigner {
        JWTSigner(keyBytes: Array(Data(base64Encoded: stored) ?? Data(stored.utf8)))
    }

    /// Replaces the stored key in the configured store (the data directory's SQLite file, or the database that
    /// `database.url` names) by a new random one (`muster rotate-jwt-key`). Every token signed with the old key is
    /// refused once the server (re)starts; a running server keeps the key it read at start, so stop it first or
    /// restart it afterwards.
    /// - Returns: the store's summary (`SQLite in DIR`, `PostgreSQL at URL`).
    package static func rotate(config: ConfigReader, logger: Logger = Logger(label: "muster")) async throws -> String {
        let opened = try await openStore(try MusterConfiguration(config: config), logger: logger)
        do {
            try await opened.store.replaceSetting(settingName, value: generate())
        } catch {
            try? opened.close()
            throw error
        }
        try opened.close()
        return opened.summary
    }
}
