import Configuration
import Foundation
import Logging
import MusterCore

/// The HS512 key that signs admin JWTs: 64 random bytes, base64, stored in the database's `settings` table (row
/// `jwt.signingKey`), made on the first start and read at every start.
package enum JWTSigningKey {
    /// The `settings` row that holds the key.
    package static let settingName = JWTSigner.settingName

    /// A new random key, base64.
    package static func generate() -> String {
        JWTSigner.generateStoredKey()
    }

    /// The signer for a stored key (base64; any other text is used as its UTF-8 bytes).
    static func signer(_ stored: String) -> JWTSigner {
        JWTSigner(storedKey: stored)
    }

    /// Replaces the stored key in the configured store (the data directory's SQLite file, or the database that
    /// `database.url` names) by a new random one (`muster rotate-jwt-key`). New tokens are signed with the new key;
    /// tokens signed with the old one are still accepted for `overlap` (by default the refresh token's lifetime, so
    /// that no admin or script holding a valid token has to log in again), or refused at once with `overlap` nil
    /// (a leaked key).
    ///
    /// On PostgreSQL it then announces ``ClusterEvent/signingKeyChanged`` to the running nodes, which read the new key
    /// at once (a node that is not listening at that moment reads it when it listens again); no restart is needed.
    /// A server on SQLite keeps the key it read at start: stop it first or restart it afterwards.
    /// - Returns: the store's summary (`SQLite in DIR`, `PostgreSQL at URL`) and, on PostgreSQL, whether the running
    ///   nodes were told (`nil` on SQLite).
    /// - Throws: the store's error when the key could not be replaced. A key replaced but not announced (the
    ///   notification failed) is reported as `announced == false`, not thrown.
    package static func rotate(
        config: ConfigReader, overlap: Duration? = .seconds(604_800), logger: Logger = Logger(label: "muster")
    ) async throws -> (summary: String, announced: Bool?) {
        let configuration = try MusterConfiguration(config: config)
        let opened = try await openStore(configuration, logger: logger)
        do {
            let old = try await opened.store.setting(settingName) { generate() }
            var previous = ""
            if let overlap {
                let until = SystemWallClock().nowMilliseconds() + overlap.components.seconds * 1000
                previous = JWTSigner.previousSetting(key: old, validUntil: until)
            }
            // The previous key first: a node reading between the two writes still accepts what it accepted.
            try await opened.store.replaceSetting(JWTSigner.previousSettingName, value: previous)
            try await opened.store.replaceSetting(settingName, value: generate())
        } catch {
            try? opened.close()
            throw error
        }
        var announced: Bool?
        if case .postgres = configuration.database {
            announced = false
            do {
                try await opened.announce([.signingKeyChanged])
                announced = true
            } catch {
                logger.error("the running nodes were not told of the new key", metadata: ["error": "\(error)"])
            }
        }
        try opened.close()
        return (opened.summary, announced)
    }
}
