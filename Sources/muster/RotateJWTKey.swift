import ArgumentParser
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

    func run() async throws {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["MUSTER_DATA_DIR"] ?? "./muster-data"
        var logger = Logger(label: "muster")
        logger.logLevel = .warning
        try await JWTSigningKey.rotate(dataDirectory: directory, logger: logger)
        say("muster: rotated the JWT signing key in \(directory); tokens issued before are refused once the server (re)starts")
    }
}
