import Configuration
import MusterHTTP

/// Why the configuration cannot be used.
package enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case outOfRange(key: String, value: Int, range: ClosedRange<Int>)
    case empty(key: String)
    case missing(key: String, because: String)

    package var description: String {
        switch self {
        case .outOfRange(let key, let value, let range):
            return "configuration '\(key)' is \(value); it must be between \(range.lowerBound) and \(range.upperBound)"
        case .empty(let key):
            return "configuration '\(key)' must not be empty"
        case .missing(let key, let reason):
            return "configuration '\(key)' is required because \(reason)"
        }
    }
}

extension MusterConfiguration {
    /// Reads the configuration.
    ///
    /// ## Configuration keys
    /// - `dataDir` (string, optional, default: `./muster-data`): the data directory (`MUSTER_DATA_DIR`).
    /// - `http.host` (string, optional, default: `0.0.0.0`): the HTTP bind address (`MUSTER_HTTP_HOST`).
    /// - `http.port` (int, optional, default: `8080`; 0 picks a free port) (`MUSTER_HTTP_PORT`).
    /// - `http.maxBodySize` (int, optional, default: 1048576): largest JSON request body in bytes.
    /// - `provision.failureLimit` (int, optional, default: 30; 0 = off): failed provisioning attempts per
    ///   source per minute before it is refused (`MUSTER_PROVISION_FAILURE_LIMIT`).
    /// - `import.maxRequestSize` (int, optional, default: 16777216): largest body of the ThingsBoard JSON bulk-import
    ///   endpoints (`MUSTER_IMPORT_MAX_REQUEST_SIZE`).
    /// - `import.maxFileSize` (int, optional, default: 4 GiB): largest CSV an import job accepts
    ///   (`MUSTER_IMPORT_MAX_FILE_SIZE`).
    /// - `admin.email` (string, optional): the first tenant admin's email (`MUSTER_ADMIN_EMAIL`).
    /// - `admin.password` (string, optional, secret): its password (`MUSTER_ADMIN_PASSWORD`).
    ///
    /// - Throws: ``ConfigurationError`` for values out of range.
    package init(config: ConfigReader) throws {
        let dataDirectory = config.string(forKey: "dataDir", default: "./muster-data")
        guard !dataDirectory.isEmpty else { throw ConfigurationError.empty(key: "dataDir") }
        let http = config.scoped(to: "http")
        let port = http.int(forKey: "port", default: 8080)
        guard (0...65535).contains(port) else { throw ConfigurationError.outOfRange(key: "http.port", value: port, range: 0...65535) }
        let maxBody = http.int(forKey: "maxBodySize", default: 1 << 20)
        guard (1024...(1 << 30)).contains(maxBody) else {
            throw ConfigurationError.outOfRange(key: "http.maxBodySize", value: maxBody, range: 1024...(1 << 30))
        }
        let maxImportRequest = config.int(forKey: "import.maxRequestSize", default: 16 << 20)
        guard (1024...(1 << 31)).contains(maxImportRequest) else {
            throw ConfigurationError.outOfRange(key: "import.maxRequestSize", value: maxImportRequest, range: 1024...(1 << 31))
        }
        let maxImportFile = config.int(forKey: "import.maxFileSize", default: 4 << 30)
        guard maxImportFile >= 1024 else {
            throw ConfigurationError.outOfRange(key: "import.maxFileSize", value: maxImportFile, range: 1024...Int.max)
        }
        let limit = config.int(forKey: "provision.failureLimit", default: 30)
        guard (0...1_000_000).contains(limit) else {
            throw ConfigurationError.outOfRange(key: "provision.failureLimit", value: limit, range: 0...1_000_000)
        }
        self.init(
            dataDirectory: dataDirectory,
            http: HTTPServerConfiguration(
                host: http.string(forKey: "host", default: "0.0.0.0"), port: port, maxBodySize: maxBody,
                maxImportRequestSize: maxImportRequest, maxImportFileSize: maxImportFile,
                importDirectory: dataDirectory + "/imports"
            ),
            provisionFailureLimit: limit,
            adminEmail: config.string(forKey: "admin.email"),
            adminPassword: config.string(forKey: "admin.password", isSecret: true)
        )
    }
}
