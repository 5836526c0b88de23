import Configuration
import Foundation
import Hummingbird
import Logging
import MusterCore
import MusterHTTP
import MusterPKI
import ServiceLifecycle
import UnixSignals

/// What the composition root hands to its caller: the service group to run, and what happened at start-up.
package struct MusterRuntime: Sendable {
    /// Storage, background work and listeners, in that order, with graceful shutdown on SIGTERM/SIGINT.
    package let group: ServiceGroup
    /// Reports each listener's address once it is bound.
    package let listeners: ListenerAnnouncements
    /// The logins created on the first start of an empty data directory, or `nil`.
    package let bootstrap: BootstrapLogins?
    package let configuration: MusterConfiguration
    /// The store the server opened (`SQLite in DIR`, `PostgreSQL at URL` without the password).
    package let storeSummary: String
    /// This node's name (`node.name`), in its log metadata (`node`), audit entries and health answer.
    package var nodeName: String { configuration.nodeName }
}

/// The one composition root: reads configuration, opens and migrates the store before any listener binds,
/// builds the core services and returns one ``ServiceGroup``. The `muster` executable and the end-to-end tests
/// both call it.
/// - Parameters:
///   - config: The configuration (CLI options → environment → file, assembled by the caller).
///   - logger: The logger for every service.
///   - handleSignals: Whether SIGTERM/SIGINT trigger graceful shutdown (tests pass `false`).
///   - shutdown: How long graceful shutdown, and then cancellation, may take (``ShutdownBounds``).
package func buildServices(
    config: ConfigReader, logger: Logger, handleSignals: Bool = true, shutdown: ShutdownBounds = .process
) async throws -> MusterRuntime {
    let configuration = try MusterConfiguration(config: config)
    var logger = logger
    logger[metadataKey: "node"] = "\(configuration.nodeName)"
    let clock = SystemWallClock()
    let nodeMetrics = configuration.metrics == .off ? nil : NodeMetrics()
    let metrics = nodeMetrics?.metrics ?? .off
    let opened = try await openStore(configuration, logger: logger, metrics: metrics)
    let store = opened.store

    let tenants = TenantService(directory: store, profiles: store, clock: clock)
    // Nodes starting at once on an empty PostgreSQL database take turns: one tenant, one admin, one signing key.
    let (bootstrap, signingKey) = try await opened.withStartupLock {
        let bootstrap = try await tenants.bootstrapIfEmpty(
            adminEmail: configuration.adminEmail, adminPassword: configuration.adminPassword)
        let signingKey = try await store.setting(JWTSigningKey.settingName) { JWTSigningKey.generate() }
        return (bootstrap, signingKey)
    }
    let recorder = AuditRecorder(store: store, node: configuration.nodeName, logger: logger)
    // On PostgreSQL the limiters count in the database, so that failures spread over several nodes add up.
    let loginLimiter = LoginRateLimiter(configuration: configuration.loginLimits, shared: opened.failureCounts, logger: logger)
    let auth = AuthService(
        store: store, signer: JWTSigningKey.signer(signingKey), clock: clock, limiter: loginLimiter, audit: recorder)
    // With the key a rotation replaced, whose tokens stay valid until its end.
    try await auth.reloadSigningKey()
    let limiter = ProvisionRateLimiter(
        configuration: .init(failuresPerSource: configuration.provisionFailureLimit), shared: opened.failureCounts,
        logger: logger)
    let profileCache = ProvisionProfileCache(ttlMilliseconds: configuration.provisionProfileCacheMilliseconds)
    let changes = AttributeChangeHub()
    let sessions = DeviceSessionHub(audit: recorder, clock: clock)
    // What changes on one node reaches every node (PostgreSQL: NOTIFY/LISTEN; SQLite: this process only), and each
    // applies it to its profile cache, sessions and signing key.
    let dispatcher = ClusterEventDispatcher(
        profileCache: profileCache, sessions: sessions, attributeChanges: changes, values: store, auth: auth,
        logger: logger)
    let cluster = try opened.events(dispatcher, configuration.nodeName)
    let revoker = ClusterSessionRevoker(bus: cluster.bus)
    let profiles = ProfileService(store: store, clock: clock, provisionCache: profileCache, events: cluster.bus)
    let importer = BulkImporter(
        store: store, profiles: profiles, clock: clock, sessions: revoker,
        scratch: SpoolScratchSpace(directory: configuration.http.importDirectory), metrics: metrics)
    let importJobs = importJobQueue(
        store: store, importer: importer, clock: clock,
        nodeName: configuration.importJobOwner,
        importDirectory: configuration.http.importDirectory, logger: logger)
    var services = MusterHTTPServices(
        auth: auth, tenants: tenants, profiles: profiles,
        devices: DeviceService(store: store, profiles: profiles, clock: clock, sessions: revoker),
        assets: AssetService(store: store, profiles: profiles, clock: clock),
        telemetry: TelemetryService(devices: store, values: store, clock: clock, events: cluster.bus),
        provisioning: ProvisionService(
            store: store, clock: clock, limiter: limiter, audit: recorder, profileCache: profileCache,
            certificateVerifier: X509ChainVerifier(), sessions: revoker, logger: logger, metrics: metrics
        ),
        deviceAPI: DeviceAPIService(devices: store, values: store, clock: clock),
        audit: store, importer: importer, importJobs: importJobs, clock: clock,
        health: NodeHealth(node: configuration.nodeName, store: store),
        auditor: AdminAuditor(sink: recorder, clock: clock),
        coolingOff: CoolingOffReport(provisioning: limiter, logins: loginLimiter)
    )
    let scrape = nodeMetrics?.scrape(sessions: sessions, jobs: store, owner: configuration.importJobOwner, clock: clock)
    services.metrics = nodeMetrics?.metrics
    services.exporter = EntityExporter(store: store)
    if configuration.metrics == .httpPort { services.metricsScrape = scrape }

    let listeners = ListenerAnnouncements()
    let http = Application(
        router: buildRouter(services: services, configuration: configuration.http),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    RequestHeadTimeoutHandler(timeout: .seconds(Int64(configuration.http.headerTimeoutSeconds)))
                ],
                idleTimeout: .seconds(Int64(configuration.http.idleTimeoutSeconds)))),
        configuration: .init(
            address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "Muster",
            availableConnectionsDelegate: .maximum(configuration.http.maxConnections, logger: logger)),
        onServerRunning: { channel in
            listeners.announce(ListenerAddress(name: "http", host: configuration.http.host, port: channel.localAddress?.port ?? 0))
        },
        logger: logger
    )
    var metricsListener: [ServiceGroupConfiguration.ServiceConfiguration] = []
    if case .ownPort(let port) = configuration.metrics, let scrape {
        let router = Router()
        MetricsRoutes(scrape: scrape).register(on: router)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.http.host, port: port), serverName: "Muster"),
            onServerRunning: { channel in
                listeners.announce(
                    ListenerAddress(name: "metrics", host: configuration.http.host, port: channel.localAddress?.port ?? 0))
            },
            logger: logger)
        metricsListener = [.init(service: application, failureTerminationBehavior: .gracefullyShutdownGroup)]
    }
    let authenticator = DeviceAuthenticator(devices: store, profiles: store, certificateProvisioning: services.provisioning, clock: clock)
    let transports = TransportDependencies(
        provisioning: services.provisioning, deviceAPI: services.deviceAPI,
        authenticator: authenticator, attributeChanges: changes, sessions: sessions, config: config,
        dataDirectory: configuration.dataDirectory, listeners: listeners, logger: logger
    )
    var groupConfiguration = ServiceGroupConfiguration(
        services: [
            .init(service: StoreLifecycleService(close: opened.close, logger: logger)),
        ] + (cluster.listen.map { [.init(service: ClusterEventListenerService(listen: $0))] } ?? []) + [
            .init(service: AuditService(recorder: recorder)),
            .init(service: ImportJobService(queue: importJobs)),
            .init(service: http, failureTerminationBehavior: .gracefullyShutdownGroup),
        ] + metricsListener + (try mqttServices(transports)) + (try coapServices(transports)),
        gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
        logger: logger
    )
    groupConfiguration.maximumGracefulShutdownDuration = shutdown.graceful
    groupConfiguration.maximumCancellationDuration = shutdown.cancellation
    let group = ServiceGroup(configuration: groupConfiguration)
    return MusterRuntime(
        group: group, listeners: listeners, bootstrap: bootstrap, configuration: configuration,
        storeSummary: opened.summary)
}

/// How long a ``ServiceGroup``'s graceful shutdown may take before the services still running are cancelled, and how
/// long cancellation may take before ServiceLifecycle ends the process (`fatalError`).
package struct ShutdownBounds: Sendable, Hashable {
    package var graceful: Duration
    package var cancellation: Duration

    package init(graceful: Duration, cancellation: Duration) {
        self.graceful = graceful
        self.cancellation = cancellation
    }

    /// `muster serve`: SIGTERM ends the process within seconds even when a database call never returns (a
    /// connection the database dropped while restarting): 6 s of graceful shutdown, then 2 s of cancellation.
    package static let process = ShutdownBounds(graceful: .seconds(6), cancellation: .seconds(2))
    /// Servers inside a test process: the process must never be ended by a slow shutdown on a loaded machine (it
    /// runs every other test too), so the bounds are wide.
    package static let testProcess = ShutdownBounds(graceful: .seconds(30), cancellation: .seconds(60))
}
