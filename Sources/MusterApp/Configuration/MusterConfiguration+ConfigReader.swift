import Configuration
import MusterCore
import MusterHTTP

/// Why the configuration cannot be used.
package enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case outOfRange(key: String, value: Int, range: ClosedRange<Int>)
    case empty(key: String)
    case missing(key: String, because: String)
    case invalid(key: String, reason: String)

    package var description: String {
        switch self {
        case .outOfRange(let key, let value, let range):
            return "configuration '\(key)' is \(value); it must be between \(range.lowerBound) and \(range.upperBound)"
        case .empty(let key):
            return "configuration '\(key)' must not be empty"
        case .missing(let key, let reason):
            return "configuration '\(key)' is required because \(reason)"
        case .invalid(let key, let reason):
            return "configuration '\(key)' \(reason)"
        }
    }
}

extension MusterConfiguration {
    /// Reads the configuration.
    ///
    /// ## Configuration keys
    /// - `dataDir` (string, optional, default: `./muster-data`): the data directory (`MUSTER_DATA_DIR`).
    /// - `database.url` (string, optional, secret): a PostgreSQL database,
    ///   `postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full[&sslrootcert=FILE]`
    ///   (`MUSTER_DATABASE_URL`, `--database`); without it, SQLite in the data directory.
    /// - `database.poolSize` (int, optional, default: 20): connections per node (`MUSTER_DATABASE_POOL_SIZE`).
    /// - `database.statementTimeout` (int, optional, default: 30; 0 = the server's setting): seconds a statement may
    ///   run (`MUSTER_DATABASE_STATEMENT_TIMEOUT`).
    /// - `database.connectTimeout` (int, optional, default: 10): seconds a connection attempt may take
    ///   (`MUSTER_DATABASE_CONNECT_TIMEOUT`).
    /// - `http.host` (string, optional, default: `0.0.0.0`): the HTTP bind address (`MUSTER_HTTP_HOST`).
    /// - `http.port` (int, optional, default: `8080`; 0 picks a free port) (`MUSTER_HTTP_PORT`).
    /// - `http.maxBodySize` (int, optional, default: 1048576): largest JSON request body in bytes.
    /// - `http.idleTimeout` (int, optional, default: 60): seconds a connection may read nothing before it is closed
    ///   (`MUSTER_HTTP_IDLE_TIMEOUT`).
    /// - `http.headerTimeout` (int, optional, default: 30): seconds a connection may take to send a whole request
    ///   head, from its opening or its last response (slowloris); 1–3600.
    /// - `http.maxConnections` (int, optional, default: 4096): connections the HTTP listener holds at once; more wait
    ///   in the kernel's accept queue until one closes.
    /// - `provision.failureLimit` (int, optional, default: 30; 0 = off): failed provisioning attempts per
    ///   source per minute before it is refused (`MUSTER_PROVISION_FAILURE_LIMIT`).
    /// - `provision.profileCacheMilliseconds` (int, optional, default: 1000; 0 = off): how long a cached provisioning
    ///   profile is trusted at most; profile changes clear it on every node at once.
    /// - `auth.loginFailureLimit` (int, optional, default: 5; 0 = off): failed admin logins per account (e-mail,
    ///   case-folded) within `auth.loginLockoutSeconds` before the account is refused for as long
    ///   (`MUSTER_AUTH_LOGIN_FAILURE_LIMIT`).
    /// - `auth.loginSourceFailureLimit` (int, optional, default: 20; 0 = not counted): the same per source address.
    /// - `auth.loginLockoutSeconds` (int, optional, default: 900): the counting window and the cooling-off period.
    /// - `import.maxRequestSize` (int, optional, default: 16777216): largest body of the ThingsBoard JSON bulk-import
    ///   endpoints (`MUSTER_IMPORT_MAX_REQUEST_SIZE`).
    /// - `import.maxFileSize` (int, optional, default: 4 GiB): largest CSV an import job accepts
    ///   (`MUSTER_IMPORT_MAX_FILE_SIZE`).
    /// - `admin.email` (string, optional): the first tenant admin's email (`MUSTER_ADMIN_EMAIL`).
    /// - `admin.password` (string, optional, secret): its password (`MUSTER_ADMIN_PASSWORD`).
    /// - `node.name` (string, optional, default: `<hostname>:<http.port>`): this node's name in its logs, audit
    ///   entries and `GET /api/health`; 1 to 64 printable characters (`MUSTER_NODE_NAME`, `--node-name`).
    /// - `metrics.enabled` (bool, optional, default: false): serve `GET /metrics` (Prometheus) on the HTTP port
    ///   (`MUSTER_METRICS_ENABLED`, `--metrics`).
    /// - `metrics.port` (int, optional; 0 picks a free port): serve it on this port of `http.host` instead, alone;
    ///   turns metrics on (`MUSTER_METRICS_PORT`, `--metrics-port`).
    ///
    /// - Throws: ``ConfigurationError`` for values out of range.
    package init(config: ConfigReader) throws {
        let dataDirectory = config.string(forKey: "dataDir", default: "./muster-data")
        guard !dataDirectory.isEmpty else { throw ConfigurationError.empty(key: "dataDir") }
        let database = try DatabaseConfiguration(config: config.scoped(to: "database"))
        let http = config.scoped(to: "http")
        let port = http.int(forKey: "port", default: 8080)
        guard (0...65535).contains(port) else { throw ConfigurationError.outOfRange(key: "http.port", value: port, range: 0...65535) }
        let maxBody = http.int(forKey: "maxBodySize", default: 1 << 20)
        guard (1024...(1 << 30)).contains(maxBody) else {
            throw ConfigurationError.outOfRange(key: "http.maxBodySize", value: maxBody, range: 1024...(1 << 30))
        }
        let idleTimeout = http.int(forKey: "idleTimeout", default: 60)
        guard (1...3600).contains(idleTimeout) else {
            throw ConfigurationError.outOfRange(key: "http.idleTimeout", value: idleTimeout, range: 1...3600)
        }
        let headerTimeout = http.int(forKey: "headerTimeout", default: 30)
        guard (1...3600).contains(headerTimeout) else {
            throw ConfigurationError.outOfRange(key: "http.headerTimeout", value: headerTimeout, range: 1...3600)
        }
        let maxConnections = http.int(forKey: "maxConnections", default: 4096)
        guard (1...1_000_000).contains(maxConnections) else {
            throw ConfigurationError.outOfRange(key: "http.maxConnections", value: maxConnections, range: 1...1_000_000)
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
        let auth = config.scoped(to: "auth")
        let loginLimit = auth.int(forKey: "loginFailureLimit", default: 5)
        guard (0...1_000_000).contains(loginLimit) else {
            throw ConfigurationError.outOfRange(key: "auth.loginFailureLimit", value: loginLimit, range: 0...1_000_000)
        }
        let loginSourceLimit = auth.int(forKey: "loginSourceFailureLimit", default: 20)
        guard (0...1_000_000).contains(loginSourceLimit) else {
            throw ConfigurationError.outOfRange(key: "auth.loginSourceFailureLimit", value: loginSourceLimit, range: 0...1_000_000)
        }
        let lockoutSeconds = auth.int(forKey: "loginLockoutSeconds", default: 900)
        guard (1...86_400).contains(lockoutSeconds) else {
            throw ConfigurationError.outOfRange(key: "auth.loginLockoutSeconds", value: lockoutSeconds, range: 1...86_400)
        }
        let nodeName = config.string(forKey: "node.name")
        if let nodeName, let problem = NodeName.problem(nodeName) {
            throw ConfigurationError.invalid(key: "node.name", reason: problem)
        }
        self.init(
            dataDirectory: dataDirectory,
            database: database,
            http: HTTPServerConfiguration(
                host: http.string(forKey: "host", default: "0.0.0.0"), port: port, maxBodySize: maxBody,
                maxImportRequestSize: maxImportRequest, maxImportFileSize: maxImportFile,
                importDirectory: dataDirectory + "/imports", idleTimeoutSeconds: idleTimeout,
                headerTimeoutSeconds: headerTimeout, maxConnections: maxConnections
            ),
            provisionFailureLimit: limit,
            loginLimits: LoginRateLimiter.Configuration(
                failuresPerAccount: loginLimit, failuresPerSource: loginSourceLimit,
                windowMilliseconds: Int64(lockoutSeconds) * 1000, coolingOffMilliseconds: Int64(lockoutSeconds) * 1000
            ),
            adminEmail: config.string(forKey: "admin.email"),
            adminPassword: config.string(forKey: "admin.password", isSecret: true),
            nodeName: nodeName
        )
        let profileCache = config.int(forKey: "provision.profileCacheMilliseconds", default: 1000)
        guard (0...3_600_000).contains(profileCache) else {
            throw ConfigurationError.outOfRange(key: "provision.profileCacheMilliseconds", value: profileCache, range: 0...3_600_000)
        }
        provisionProfileCacheMilliseconds = Int64(profileCache)
        let metricsPort = config.int(forKey: "metrics.port")
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ConfigurationError.outOfRange(key: "metrics.port", value: metricsPort, range: 0...65535)
        }
        if let metricsPort {
            metrics = .ownPort(metricsPort)
        } else if config.bool(forKey: "metrics.enabled", default: false) {
            metrics = .httpPort
        }
    }
}

extension DatabaseConfiguration {
    /// Reads the `database.*` keys (see ``MusterConfiguration/init(config:)``).
    init(config: ConfigReader) throws {
        guard let url = config.string(forKey: "url", isSecret: true), !url.isEmpty else {
            self = .sqlite
            return
        }
        let poolSize = config.int(forKey: "poolSize", default: 20)
        guard (1...1000).contains(poolSize) else {
            throw ConfigurationError.outOfRange(key: "database.poolSize", value: poolSize, range: 1...1000)
        }
        let statementTimeout = config.int(forKey: "statementTimeout", default: 30)
        guard (0...86_400).contains(statementTimeout) else {
            throw ConfigurationError.outOfRange(key: "database.statementTimeout", value: statementTimeout, range: 0...86_400)
        }
        let connectTimeout = config.int(forKey: "connectTimeout", default: 10)
        guard (1...300).contains(connectTimeout) else {
            throw ConfigurationError.outOfRange(key: "database.connectTimeout", value: connectTimeout, range: 1...300)
        }
        self = .postgres(
            PostgresDatabaseSettings(
                url: url, poolSize: poolSize, statementTimeoutSeconds: statementTimeout,
                connectTimeoutSeconds: connectTimeout))
    }
}
