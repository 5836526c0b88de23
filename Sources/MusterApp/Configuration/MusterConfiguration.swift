import MusterCore
import MusterHTTP

/// Everything `muster serve` can be told.
package struct MusterConfiguration: Sendable, Hashable {
    /// Where the embedded SQLite database (unless ``database`` names PostgreSQL), the TLS files and import uploads
    /// live.
    package var dataDirectory: String
    /// Which store the server opens.
    package var database: DatabaseConfiguration
    package var http: HTTPServerConfiguration
    /// Failed provisioning attempts per source per minute before it is refused; 0 turns limiting off.
    package var provisionFailureLimit: Int
    /// Failed admin logins per account and per source before either is refused (`auth.loginFailureLimit`,
    /// `auth.loginSourceFailureLimit`, `auth.loginLockoutSeconds`).
    package var loginLimits: LoginRateLimiter.Configuration
    /// The first tenant admin's email and password, used only on the first start of an empty data directory.
    package var adminEmail: String?
    package var adminPassword: String?
    /// How long a provisioning lookup trusts a cached profile (`provision.profileCacheMilliseconds`); every profile
    /// change clears the cache on every node at once, so this only bounds what a missed change could leave.
    package var provisionProfileCacheMilliseconds: Int64 = 1000
    /// This node's name (`node.name`), in its logs, audit entries and health answer; by default
    /// `<hostname>:<http port>` (``NodeName/default(httpPort:)``).
    package var nodeName: String
    /// The owner this node's import jobs carry (``NodeName/importJobOwner(configured:dataDirectory:)``): the
    /// configured `node.name`, else `<hostname>:<data directory>`, stable across restarts and distinct for two
    /// servers on one machine even when their ports are picked at run time.
    package var importJobOwner: String
    /// Where `GET /metrics` is served, if anywhere (`metrics.enabled`, `metrics.port`).
    package var metrics: MetricsExposition = .off

    package init(
        dataDirectory: String = "./muster-data", database: DatabaseConfiguration = .sqlite, http: HTTPServerConfiguration = .init(), provisionFailureLimit: Int = 30,
        loginLimits: LoginRateLimiter.Configuration = .init(), adminEmail: String? = nil, adminPassword: String? = nil,
        nodeName: String? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.database = database
        self.http = http
        self.provisionFailureLimit = provisionFailureLimit
        self.loginLimits = loginLimits
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.nodeName = nodeName ?? NodeName.default(httpPort: http.port)
        self.importJobOwner = NodeName.importJobOwner(configured: nodeName, dataDirectory: dataDirectory)
    }
}

/// Where a node serves its Prometheus metrics.
package enum MetricsExposition: Sendable, Hashable {
    /// Nowhere; nothing is counted.
    case off
    /// `GET /metrics` on the HTTP port.
    case httpPort
    /// `GET /metrics` alone on this port of the HTTP host (0: picked by the kernel, announced as `metrics`).
    case ownPort(Int)
}
