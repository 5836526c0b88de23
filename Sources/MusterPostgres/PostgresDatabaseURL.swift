import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL as PostgresNIO's client configuration.
///
/// `sslmode` takes libpq's names: `disable` (the default on loopback hosts), `prefer` (the default elsewhere),
/// `require` (TLS without checking the server's certificate, as libpq does), `verify-full` (TLS checking the
/// certificate against the system's roots, or `sslrootcert=FILE`, and the host name).
package struct PostgresDatabaseURL: Sendable, Equatable {
    /// TLS to the database, as libpq's `sslmode`.
    package enum SSLMode: String, Sendable, Equatable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String
    package var sslMode: SSLMode
    package var sslRootCertificate: String?

    /// Parses `text`.
    /// - Throws: ``PostgresStoreError/invalidURL(_:)`` naming what is wrong (never the password).
    package init(_ text: String) throws {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw PostgresStoreError.invalidURL("expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw PostgresStoreError.invalidURL("no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresStoreError.invalidURL("no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw PostgresStoreError.invalidURL("no database name") }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let loopback = ["localhost", "127.0.0.1", "::1"].contains(host)
        if let mode = query["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw PostgresStoreError.invalidURL("sslmode must be disable, prefer, require or verify-full")
            }
            sslMode = parsed
        } else {
            sslMode = loopback ? .disable : .prefer
        }
        sslRootCertificate = query["sslrootcert"]
    }

    /// The client configuration for this URL.
    package func clientConfiguration() throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tls = sslMode == .prefer ? .prefer(configuration) : .require(configuration)
        case .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let sslRootCertificate { configuration.trustRoots = .file(sslRootCertificate) }
            tls = .require(configuration)
        }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The URL without its password, for logs and messages.
    package var redacted: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}
