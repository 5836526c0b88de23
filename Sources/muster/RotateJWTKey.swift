import ArgumentParser
import Configuration
import Foundation
import Logging
import MusterApp

/// `muster rotate-jwt-key`: replaces the JWT signing key stored in the database, so that every issued token (access
/// and refresh) is refused: on PostgreSQL the running nodes switch at once; a server on SQLite from its next start.
struct RotateJWTKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-jwt-key",
        abstract: "Replace the admin JWT signing key: every issued token becomes invalid.",
        discussion: """
            The key is 64 random bytes in the database's settings table (row jwt.signingKey). With --database \
            (PostgreSQL) the running nodes are told and switch to the new key at once, without a restart. On SQLite \
            a running server keeps the key it read at start: stop it first, or restart it afterwards.
            """
    )

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
        let rotated = try await JWTSigningKey.rotate(config: reader, logger: logger)
        switch rotated.announced {
        case nil:
            say("muster: rotated the JWT signing key (\(rotated.summary)); tokens issued before are refused once the server (re)starts")
        case true?:
            say("muster: rotated the JWT signing key (\(rotated.summary)); running nodes were told and use it at once, tokens issued before are refused")
        case false?:
            say("muster: rotated the JWT signing key (\(rotated.summary)), but the running nodes could not be told: restart them")
        }
    }
}
