import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL as PostgresNIO's client configuration.
///
/// Several hosts may be given, as libpq takes them and as `pg_autoctl show uri` prints them:
/// `postgres://user:password@host1:5432,host2:5432/database?target_session_attrs=read-write`. The store then
/// writes to whichever of them accepts writes (``PostgresPrimary``); `target_session_attrs` may be `read-write`,
/// `primary` or `any` (which a writer treats as `read-write`).
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

    /// One `host:port` of the URL.
    package struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        package var host: String
        package var port: Int

        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The hosts, in the URL's order (at least one).
    package var endpoints: [Endpoint]
    /// The first host.
    package var host: String {
        get { endpoints[0].host }
        set { endpoints[0].host = newValue }
    }
    /// The first host's port.
    package var port: Int {
        get { endpoints[0].port }
        set { endpoints[0].port = newValue }
    }
    package var username: String
    package var password: String?
    package var database: String
    package var sslMode: SSLMode
    package var sslRootCertificate: String?

    /// Parses `text`.
    /// - Throws: ``PostgresStoreError/invalidURL(_:)`` naming what is wrong (never the password).
    package init(_ text: String) throws {
        let (single, hostList) = try Self.separatingHostList(text)
        guard let components = URLComponents(string: single),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw PostgresStoreError.invalidURL("expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw PostgresStoreError.invalidURL("no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresStoreError.invalidURL("no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw PostgresStoreError.invalidURL("no database name") }
        endpoints = try hostList.map(Self.endpoints(_:)) ?? [Endpoint(host: host, port: components.port ?? 5432)]
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        switch query["target_session_attrs"] {
        case nil, "any", "read-write", "primary": break
        case let other?:
            throw PostgresStoreError.invalidURL(
                "target_session_attrs \(other) cannot write: use read-write (the host that accepts writes)")
        }
        let loopback = endpoints.allSatisfy { ["localhost", "127.0.0.1", "::1"].contains($0.host) }
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
    package func clientConfiguration(
        _ options: PostgresStoreOptions, endpoint: Int = 0
    ) throws -> PostgresClient.Configuration {
        var configuration = try clientConfiguration(endpoint: endpoint)
        configuration.options.maximumConnections = options.poolSize
        configuration.options.connectTimeout = options.connectTimeout
        if let timeout = options.statementTimeout {
            configuration.options.additionalStartupParameters.append(("statement_timeout", "\(Self.milliseconds(timeout))"))
        }
        return configuration
    }

    /// The configuration of one connection outside the pool (the start-up check, which wants the real reason a
    /// connection fails rather than the pool's retries).
    package func connectionConfiguration(
        _ options: PostgresStoreOptions, endpoint: Int = 0
    ) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            if let (configuration, required) = tlsRequirement() {
                required
                    ? .require(try NIOSSLContext(configuration: configuration))
                    : .prefer(try NIOSSLContext(configuration: configuration))
            } else {
                .disable
            }
        var configuration = PostgresConnection.Configuration(
            host: endpoints[endpoint].host, port: endpoints[endpoint].port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Self.milliseconds(options.connectTimeout))
        return configuration
    }

    /// The client configuration for this URL, with PostgresNIO's default pool.
    package func clientConfiguration(endpoint: Int = 0) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            if let (configuration, required) = tlsRequirement() {
                required ? .require(configuration) : .prefer(configuration)
            } else {
                .disable
            }
        return PostgresClient.Configuration(
            host: endpoints[endpoint].host, port: endpoints[endpoint].port, username: username, password: password, database: database, tls: tls)
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
            + (endpoints.count > 1 ? [URLQueryItem(name: "target_session_attrs", value: "read-write")] : [])
        guard let single = components.string else { return redacted }
        guard endpoints.count > 1, let at = single.lastIndex(of: "@"),
            let slash = single[at...].firstIndex(of: "/")
        else { return single }
        return String(single[...at]) + hostList + String(single[slash...])
    }

    /// The hosts as the URL writes them: `host1:5432,host2:5432`.
    private var hostList: String { endpoints.map(\.description).joined(separator: ",") }

    /// The URL without its password, for logs and messages.
    package var redacted: String {
        "postgres://\(username)@\(hostList)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// `text` with a host list (`h1:p1,h2:p2`) replaced by its first host, which Foundation can parse, and the
    /// list; `nil` when the URL names one host.
    private static func separatingHostList(_ text: String) throws -> (String, String?) {
        guard let scheme = text.range(of: "://") else { return (text, nil) }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hosts = authority[hostStart...]
        guard hosts.contains(",") else { return (text, nil) }
        let first = hosts.prefix(while: { $0 != "," })
        return (String(text[..<hostStart]) + first + String(text[authorityEnd...]), String(hosts))
    }

    /// The endpoints of a host list: `host[:port]` or `[v6]:port` entries separated by commas, 5432 where the port
    /// is left out.
    private static func endpoints(_ list: String) throws -> [Endpoint] {
        try list.split(separator: ",", omittingEmptySubsequences: false).map { entry in
            var host = Substring(entry)
            var port = 5432
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { throw PostgresStoreError.invalidURL("unclosed [ in a host") }
                let after = host[host.index(after: close)...]
                host = host[host.index(after: host.startIndex)..<close]
                if !after.isEmpty {
                    guard after.hasPrefix(":"), let parsed = Int(after.dropFirst()) else {
                        throw PostgresStoreError.invalidURL("invalid port in \(entry)")
                    }
                    port = parsed
                }
            } else if let colon = host.lastIndex(of: ":") {
                guard let parsed = Int(host[host.index(after: colon)...]) else {
                    throw PostgresStoreError.invalidURL("invalid port in \(entry)")
                }
                port = parsed
                host = host[..<colon]
            }
            guard !host.isEmpty else { throw PostgresStoreError.invalidURL("an empty host in the host list") }
            guard (1...65535).contains(port) else { throw PostgresStoreError.invalidURL("port \(port) out of range") }
            return Endpoint(host: host.removingPercentEncoding ?? String(host), port: port)
        }
    }
}
