import Configuration
import Foundation

extension ImportClientConfiguration {
    /// Reads the client settings.
    ///
    /// ## Configuration keys
    /// - `server` (string, optional, default: `http://localhost:8080`): the server's base URL (`--server`,
    ///   `MUSTER_SERVER`).
    /// - `username` (string, optional): the tenant administrator's email (`MUSTER_USERNAME`).
    /// - `password` (string, optional, secret): its password (`MUSTER_PASSWORD`).
    ///
    /// - Throws: ``ImportClientError/invalidServerURL(_:)`` when `server` is not an http or https URL.
    init(config: ConfigReader) throws(ImportClientError) {
        let text = config.string(forKey: "server", default: "http://localhost:8080")
        var trimmed = Substring(text)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let url = URL(string: String(trimmed)), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else { throw .invalidServerURL(text) }
        self.init(
            server: url,
            username: config.string(forKey: "username").flatMap { $0.isEmpty ? nil : $0 },
            password: config.string(forKey: "password", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
