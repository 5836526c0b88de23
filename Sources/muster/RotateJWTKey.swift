import ArgumentParser
import Configuration
import Foundation
import Logging
import MusterApp

/// `muster rotate-jwt-key`: replaces the JWT signing key stored in the data directory, so that every issued token
/// (access and refresh) is refused from the next start on.
struct RotateJWTKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-jwt-key",
        abstract: "Replace the admin JWT signing key: every issued token becomes invalid (stop the server first, or restart it after).",
        discussion: "The key is 64 random bytes in the database's settings table (row jwt.signingKey)."
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
        let store = try await JWTSigningKey.rotate(config: reader, logger: logger)
        say("muster: rotated the JWT signing key (\(store)); tokens issued before are refused once the server (re)starts")
    }
}
