import NIOCore
import NIOPosix
import ArgumentParser
import Configuration
import Foundation
import Logging
import MusterApp
import MusterCore
import ServiceLifecycle
import SystemPackage

/// `muster serve`: runs the server until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the server (embedded SQLite in the data directory by default).",
        discussion: """
            Every option can also be set in the environment (MUSTER_DATA_DIR, MUSTER_DATABASE_URL, MUSTER_HTTP_HOST, MUSTER_HTTP_PORT, \
            MUSTER_HTTP_MAX_BODY_SIZE, MUSTER_IMPORT_MAX_REQUEST_SIZE, MUSTER_PROVISION_FAILURE_LIMIT, MUSTER_AUTH_LOGIN_FAILURE_LIMIT, MUSTER_ADMIN_EMAIL, \
            MUSTER_ADMIN_PASSWORD, MUSTER_NODE_NAME) or \
            in a JSON config file ({"dataDir": …, "database": {"url": …, "poolSize": …, "statementTimeout": …}, \
            "http": {"host": …, "port": …}, "provision": {"failureLimit": …}, "node": {"name": …}}). \
            Command-line options win over the environment, which wins over the file.
            """
    )

    @Option(name: .customLong("data-dir"), help: "Data directory (default ./muster-data).")
    var dataDir: String?

    @Option(
        help: ArgumentHelp(
            "PostgreSQL database URL: postgres://user:password@host:5432/muster[?sslmode=require] (also MUSTER_DATABASE_URL); default: SQLite in the data directory.",
            valueName: "url"))
    var database: String?

    @Option(name: .customLong("database-pool-size"), help: "Connections to the PostgreSQL database (default 20).")
    var databasePoolSize: Int?

    @Option(help: "Address to listen on (default 0.0.0.0).")
    var host: String?

    @Option(name: .customLong("http-port"), help: "HTTP port (default 8080; 0 picks a free port).")
    var httpPort: Int?

    @Option(name: .customLong("mqtt-port"), help: "MQTT port (default 1883; 0 picks a free port).")
    var mqttPort: Int?

    @Option(name: .customLong("mqtts-port"), help: "MQTT over TLS port (default 8883; 0 picks a free port).")
    var mqttsPort: Int?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate (chain) of the MQTT TLS listener (default: generated in the data directory).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of the MQTT TLS listener.")
    var tlsKey: String?

    @Option(name: .customLong("coap-port"), help: "CoAP (UDP) port (default 5683; 0 picks a free port).")
    var coapPort: Int?

    @Option(name: .customLong("provision-failure-limit"), help: "Failed provisioning attempts per source per minute before it is refused (default 30; 0 turns it off).")
    var provisionFailureLimit: Int?

    @Option(name: .customLong("login-failure-limit"), help: "Failed admin logins per account per 15 minutes before it is refused for 15 minutes (default 5; 0 turns the login limiter off).")
    var loginFailureLimit: Int?

    @Option(name: .customLong("max-body-size"), help: "Largest JSON request body in bytes (default 1048576).")
    var maxBodySize: Int?

    @Option(
        name: .customLong("max-import-request-size"),
        help: "Largest body of POST /api/device|asset/bulk_import in bytes (default 16777216; larger files: POST /api/imports)."
    )
    var maxImportRequestSize: Int?

    @Option(
        name: .customLong("node-name"),
        help: "This node's name in logs, audit entries and GET /api/health: 1-64 printable characters (default <hostname>:<http port>).")
    var nodeName: String?

    @Option(
        name: .customLong("event-loop-executor"),
        help: """
            on: Swift concurrency's tasks run on the network event loops, so that a request is handled on the thread \
            that reads and writes its socket (on two cores about 1.5x the re-sends per second on SQLite); off: Swift's \
            own thread pool; auto (default): on with SQLite, off with PostgreSQL (whose driver shares those loops).
            """)
    var eventLoopExecutor: EventLoopExecutorChoice = .auto

    @Flag(help: "Serve Prometheus metrics at GET /metrics on the HTTP port, without login (also MUSTER_METRICS_ENABLED=true).")
    var metrics = false

    @Option(
        name: .customLong("metrics-port"),
        help: "Serve GET /metrics on this port (of --host) instead, alone; turns metrics on (0 picks a free port).")
    var metricsPort: Int?

    @Option(help: "JSON configuration file (also MUSTER_CONFIG_FILE).")
    var config: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(
        name: .customLong("log-format"),
        help: "text (default) or json: one JSON object per line (time, level, message, request id, transport, …).")
    var logFormat: LogFormat = .text

    func run() async throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let dataDir { values["dataDir"] = .init(.string(dataDir), isSecret: false) }
        if let database { values["database.url"] = .init(.string(database), isSecret: true) }
        if let databasePoolSize { values["database.poolSize"] = .init(.int(databasePoolSize), isSecret: false) }
        if let host { values["http.host"] = .init(.string(host), isSecret: false) }
        if let httpPort { values["http.port"] = .init(.int(httpPort), isSecret: false) }
        if let maxBodySize { values["http.maxBodySize"] = .init(.int(maxBodySize), isSecret: false) }
        if let maxImportRequestSize { values["import.maxRequestSize"] = .init(.int(maxImportRequestSize), isSecret: false) }
        if let mqttPort { values["mqtt.port"] = .init(.int(mqttPort), isSecret: false) }
        if let mqttsPort { values["mqtt.tlsPort"] = .init(.int(mqttsPort), isSecret: false) }
        if let tlsCert { values["mqtt.tlsCert"] = .init(.string(tlsCert), isSecret: false) }
        if let tlsKey { values["mqtt.tlsKey"] = .init(.string(tlsKey), isSecret: false) }
        if let coapPort { values["coap.port"] = .init(.int(coapPort), isSecret: false) }
        if let provisionFailureLimit { values["provision.failureLimit"] = .init(.int(provisionFailureLimit), isSecret: false) }
        if let loginFailureLimit { values["auth.loginFailureLimit"] = .init(.int(loginFailureLimit), isSecret: false) }
        if let nodeName { values["node.name"] = .init(.string(nodeName), isSecret: false) }
        if metrics { values["metrics.enabled"] = .init(.bool(true), isSecret: false) }
        if let metricsPort { values["metrics.port"] = .init(.int(metricsPort), isSecret: false) }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "arguments", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["MUSTER_ADMIN_PASSWORD", "MUSTER_DATABASE_URL"])).prefixKeys(with: ["muster"]),
        ]
        if let file = config ?? ProcessInfo.processInfo.environment["MUSTER_CONFIG_FILE"] {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
        }
        let reader = ConfigReader(providers: providers)
        // Before the services start any task: Swift concurrency's jobs run on the network event loops.
        let onSQLite = (reader.string(forKey: "database.url", isSecret: true) ?? "").isEmpty
        let onEventLoops =
            eventLoopExecutor.installs(onSQLite: onSQLite)
            && NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

        let level = Logger.Level(rawValue: logLevel ?? "info") ?? .info
        switch logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: level) }
        }
        let logger = Logger(label: "muster")
        let runtime = try await buildServices(config: reader, logger: logger)
        say("muster: node: \(runtime.nodeName)")
        say("muster: store: \(runtime.storeSummary)")
        say("muster: tasks run on " + (onEventLoops ? "the network event loops" : "Swift's thread pool"))
        if let logins = runtime.bootstrap {
            say("muster: first start: created the default tenant and its administrator")
            say("muster:   log in as \(logins.tenantAdminEmail) with password " + (logins.tenantAdminPassword ?? "(from MUSTER_ADMIN_PASSWORD)"))
            say("muster:   system administrator: \(logins.systemAdminEmail) with password \(logins.systemAdminPassword)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await listener in runtime.listeners.announcements() {
                    say("muster: \(listener.name) listening on \(listener.host):\(listener.port)" + (listener.note.map { " (\($0))" } ?? ""))
                    if listener.name == "http" {
                        say("muster: console at http://\(listener.host == "0.0.0.0" ? "localhost" : listener.host):\(listener.port)/")
                    }
                }
            }
            try await runtime.group.run()
            group.cancelAll()
        }
        say("muster: stopped")
    }
}

/// Writes one line to standard output at once (no buffering), so that scripts waiting for it see it.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Where `muster serve` runs Swift concurrency's tasks (`--event-loop-executor`).
enum EventLoopExecutorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off

    /// Whether the network event loops become the global executor.
    func installs(onSQLite: Bool) -> Bool {
        switch self {
        case .auto: onSQLite
        case .on: true
        case .off: false
        }
    }
}
