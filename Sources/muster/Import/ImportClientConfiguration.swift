import Foundation

/// Where `muster import` sends its requests and whom it logs in as.
struct ImportClientConfiguration: Sendable {
    /// The server's base URL, without a trailing slash (e.g. `http://localhost:8080`).
    var server: URL
    /// The tenant administrator's email; asked for on the terminal when `nil`.
    var username: String?
    /// Its password; asked for on the terminal (without echo) when `nil`.
    var password: String?

    init(server: URL = URL(string: "http://localhost:8080")!, username: String? = nil, password: String? = nil) {
        self.server = server
        self.username = username
        self.password = password
    }
}
