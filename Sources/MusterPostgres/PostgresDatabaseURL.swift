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

    /// The client configuration for this URL, with the pool size and time limits of `options`.
    package func clientConfiguration(_ options: PostgresStoreOptions) throws -> PostgresClient.Configuration {
        var configuration = try clientConfiguration()
        configuration.options.maximumConnections = options.poolSize
        configuration.options.connectTimeout = options.connectTimeout
        if let timeout = options.statementTimeout {
            configuration.options.additionalStartupParameters.append(("statement_timeout", "\(Self.milliseconds(timeout))"))
        }
        return configuration
    }

    /// The configuration of one connection outside the pool (the start-up check, which wants the real reason a
    /// connection fails rather than the pool's retries).
    package func connectionConfiguration(_ options: PostgresStoreOptions) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            if let (configuration, required) = tlsRequirement() {
                required
                    ? .require(try NIOSSLContext(configuration: configuration))
                    : .prefer(try NIOSSLContext(configuration: configuration))
            } else {
                .disable
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Self.milliseconds(options.connectTimeout))
        return configuration
    }

    /// The client configuration for this URL, with PostgresNIO's default pool.
    package func clientConfiguration() throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            if let (configuration, required) = tlsRequirement() {
                required ? .require(configuration) : .prefer(configuration)
            } else {
                .disable
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// What `sslMode` asks of TLS: nothing (`disable`), or a client configuration and whether the connection must
    /// use it (`require`, `verify-full`) or only prefers it (`prefer`). Only `verify-full` checks the server's
    /// certificate, against `sslrootcert` or the system's roots.
    private func tlsRequirement() -> (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
            return (configuration, sslMode == .require)
        case .verifyFull:
            if let sslRootCertificate { configuration.trustRoots = .file(sslRootCertificate) }
            return (configuration, true)
        }
    }

    /// `duration` in whole milliseconds.
    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The URL as text, password included (percent-encoded): for handing to another process or configuration,
    /// never for a log.
    package var text: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems =
            [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
            + (sslRootCertificate.map { [URLQueryItem(name: "sslrootcert", value: $0)] } ?? [])
        return components.string ?? redacted
    }

    /// The URL without its password, for logs and messages.
    package var redacted: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}
