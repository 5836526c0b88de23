/// Settings of the HTTP listener.
package struct HTTPServerConfiguration: Sendable, Hashable {
    package var host: String
    /// 0 picks a free port.
    package var port: Int
    /// The largest request body accepted on JSON routes, in bytes (413 beyond it).
    package var maxBodySize: Int

    package init(host: String = "0.0.0.0", port: Int = 8080, maxBodySize: Int = 1 << 20) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
    }
}
