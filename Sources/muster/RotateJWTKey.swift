import ArgumentParser
import Configuration
import Foundation
import Logging
import MusterApp

/// `muster rotate-jwt-key`: replaces the JWT signing key stored in the database. Tokens signed with the old key
/// stay valid for the refresh token's lifetime (7 days) unless `--invalidate-tokens`; on PostgreSQL the running
/// nodes switch at once, a server on SQLite from its next start.
struct RotateJWTKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-jwt-key",
        abstract: "Replace the admin JWT signing key; issued tokens stay valid until they expire, unless --invalidate-tokens.",
        discussion: """
            The key is 64 random bytes in the database's settings table (row jwt.signingKey). New tokens are signed \
            with the new key; tokens signed with the old one (row jwt.previousSigningKey) are accepted for another \
            7 days, the refresh token's lifetime, so nobody holding a valid token has to log in again. \
            --invalidate-tokens refuses them at once (a leaked key). With --database (PostgreSQL) the running nodes \
            are told and switch at once, without a restart. On SQLite a running server keeps the keys it read at \
            start: restart it afterwards (tokens stay valid across the restart unless --invalidate-tokens).
            """
    )

    @Flag(name: .customLong("invalidate-tokens"), help: "Refuse every token issued before, at once (a leaked key).")
    var invalidateTokens = false

    @Option(name: .customLong("data-dir"), help: "Data directory (default ./muster-data, or MUSTER_DATA_DIR).")
    var dataDir: String?

    @Option(help: "PostgreSQL database URL, as for serve (also MUSTER_DATABASE_URL); default: SQLite in the data directory.")
    var database: String?

    func run() async throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let dataDir { values["dataDir"] = .init(.string(dataDir), isSecret: false) }
        if let database { values["database.url"] = .init(.string(database), isSecret: true) }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "arguments", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["MUSTER_DATABASE_URL"])).prefixKeys(with: ["muster"]),
        ])
        var logger = Logger(label: "muster")
        logger.logLevel = .warning
        let rotated = try await JWTSigningKey.rotate(
            config: reader, overlap: invalidateTokens ? nil : .seconds(604_800), logger: logger)
        let old = invalidateTokens ? "tokens issued before are refused" : "tokens issued before stay valid for 7 days"
        switch rotated.announced {
        case nil:
            say("muster: rotated the JWT signing key (\(rotated.summary)); the server signs with it from its next start; \(old)")
        case true?:
            say("muster: rotated the JWT signing key (\(rotated.summary)); running nodes were told and use it at once, \(old)")
        case false?:
            say("muster: rotated the JWT signing key (\(rotated.summary)), but the running nodes could not be told: restart them")
        }
    }
}
