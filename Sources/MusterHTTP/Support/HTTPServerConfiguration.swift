/// Settings of the HTTP listener.
package struct HTTPServerConfiguration: Sendable, Hashable {
    package var host: String
    /// 0 picks a free port.
    package var port: Int
    /// The largest request body accepted on JSON routes, in bytes (413 beyond it).
    package var maxBodySize: Int
    /// The largest body of ThingsBoard's JSON bulk-import endpoints (the whole CSV is in it, and the request holds
    /// a worker until every row is written). 16 MiB is about a million short rows, imported in about half a minute; larger
    /// files belong to the import jobs, which stream to disk and report progress.
    package var maxImportRequestSize: Int
    /// The largest CSV file an import job accepts.
    package var maxImportFileSize: Int
    /// Where import jobs spool their uploads and errors CSVs.
    package var importDirectory: String
    /// Seconds a connection may stay without reading anything (an idle keep-alive connection, or a client that
    /// opened a connection and sends nothing, as a slowloris attack does) before it is closed.
    package var idleTimeoutSeconds: Int
    /// Seconds a connection may take to send a whole request head, counted from its opening or its last response
    /// (a client trickling header bytes resets the idle timeout, not this one); ``RequestHeadTimeoutHandler``.
    package var headerTimeoutSeconds: Int
    /// The most connections the listener holds at once; more wait in the kernel's accept queue until one closes.
    package var maxConnections: Int

    package init(
        host: String = "0.0.0.0", port: Int = 8080, maxBodySize: Int = 1 << 20, maxImportRequestSize: Int = 16 << 20,
        maxImportFileSize: Int = 4 << 30, importDirectory: String = "./muster-data/imports", idleTimeoutSeconds: Int = 60,
        headerTimeoutSeconds: Int = 30, maxConnections: Int = 4096
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxImportRequestSize = maxImportRequestSize
        self.maxImportFileSize = maxImportFileSize
        self.importDirectory = importDirectory
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.maxConnections = maxConnections
    }
}
