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

    package init(
        host: String = "0.0.0.0", port: Int = 8080, maxBodySize: Int = 1 << 20, maxImportRequestSize: Int = 16 << 20,
        maxImportFileSize: Int = 4 << 30, importDirectory: String = "./muster-data/imports"
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxImportRequestSize = maxImportRequestSize
        self.maxImportFileSize = maxImportFileSize
        self.importDirectory = importDirectory
    }
}
