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
}

/// The one composition root: reads configuration, opens and migrates the store before any listener binds,
/// builds the core services and returns one ``ServiceGroup``. The `muster` executable and the end-to-end tests
/// both call it.
/// - Parameters:
///   - config: The configuration (CLI options → environment → file, assembled by the caller).
///   - logger: The logger for every service.
///   - signals: Whether SIGTERM/SIGINT trigger graceful shutdown (tests pass `false`).
package func buildServices(config: ConfigReader, logger: Logger, handleSignals: Bool = true) async throws -> MusterRuntime {
    let configuration = try MusterConfiguration(config: config)
    let clock = SystemWallClock()
    let opened = try await openStore(configuration, logger: logger)
    let store = opened.store

    let tenants = TenantService(directory: store, profiles: store, clock: clock)
    let bootstrap = try await tenants.bootstrapIfEmpty(adminEmail: configuration.adminEmail, adminPassword: configuration.adminPassword)
    let signingKey = try await store.setting(JWTSigningKey.settingName) { JWTSigningKey.generate() }
    let recorder = AuditRecorder(store: store, logger: logger)
    let auth = AuthService(
        store: store, signer: JWTSigningKey.signer(signingKey), clock: clock,
        limiter: LoginRateLimiter(configuration: configuration.loginLimits), audit: recorder
    )
    let limiter = ProvisionRateLimiter(configuration: .init(failuresPerSource: configuration.provisionFailureLimit))
    let profileCache = ProvisionProfileCache(ttlMilliseconds: 1000)
    let profiles = ProfileService(store: store, clock: clock, provisionCache: profileCache)
    let changes = AttributeChangeHub()
    // One node: revocations are delivered in process. Several nodes would back `DeviceSessionRevoker` with the
    // database's notifications and feed what other nodes publish into `sessions.deliver(_:)`.
    let sessions = DeviceSessionHub(audit: recorder, clock: clock)
    let importer = BulkImporter(store: store, profiles: profiles, clock: clock, sessions: sessions)
    let importJobs = importJobQueue(
        store: store, importer: importer, clock: clock,
        nodeName: importNodeName(config: config, dataDirectory: configuration.dataDirectory),
        importDirectory: configuration.http.importDirectory, logger: logger)
    let services = MusterHTTPServices(
        auth: auth, tenants: tenants, profiles: profiles,
        devices: DeviceService(store: store, profiles: profiles, clock: clock, sessions: sessions),
        assets: AssetService(store: store, profiles: profiles, clock: clock),
        telemetry: TelemetryService(devices: store, values: store, clock: clock, changes: changes),
        provisioning: ProvisionService(
            store: store, clock: clock, limiter: limiter, audit: recorder, profileCache: profileCache,
            certificateVerifier: X509ChainVerifier(), sessions: sessions
        ),
        deviceAPI: DeviceAPIService(devices: store, values: store, clock: clock),
        audit: store, importer: importer, importJobs: importJobs, clock: clock
    )

    let listeners = ListenerAnnouncements()
    let http = Application(
        router: buildRouter(services: services, configuration: configuration.http),
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.http.idleTimeoutSeconds)))),
        configuration: .init(address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "Muster"),
        onServerRunning: { channel in
            listeners.announce(ListenerAddress(name: "http", host: configuration.http.host, port: channel.localAddress?.port ?? 0))
        },
        logger: logger
    )
    let authenticator = DeviceAuthenticator(devices: store, profiles: store, certificateProvisioning: services.provisioning, clock: clock)
    let transports = TransportDependencies(
        provisioning: services.provisioning, deviceAPI: services.deviceAPI,
        authenticator: authenticator, attributeChanges: changes, sessions: sessions, config: config,
        dataDirectory: configuration.dataDirectory, listeners: listeners, logger: logger
    )
    var groupConfiguration = ServiceGroupConfiguration(
        services: [
            .init(service: StoreLifecycleService(close: opened.close, logger: logger)),
            .init(service: AuditService(recorder: recorder)),
            .init(service: ImportJobService(queue: importJobs)),
            .init(service: http, failureTerminationBehavior: .gracefullyShutdownGroup),
        ] + (try mqttServices(transports)) + (try coapServices(transports)),
        gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
        logger: logger
    )
    // SIGTERM ends the process within seconds even when a database call never returns (a connection the database
    // dropped while restarting): after 6 s of graceful shutdown the services still running are cancelled.
    groupConfiguration.maximumGracefulShutdownDuration = .seconds(6)
    groupConfiguration.maximumCancellationDuration = .seconds(2)
    let group = ServiceGroup(configuration: groupConfiguration)
    return MusterRuntime(
        group: group, listeners: listeners, bootstrap: bootstrap, configuration: configuration,
        storeSummary: opened.summary)
}
