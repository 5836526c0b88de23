import Hummingbird
import MusterCore

/// The core services the HTTP routes call; built by the composition root.
package struct MusterHTTPServices: Sendable {
    package var auth: AuthService
    package var tenants: TenantService
    package var profiles: ProfileService
    package var devices: DeviceService
    package var assets: AssetService
    package var telemetry: TelemetryService
    package var provisioning: ProvisionService
    package var deviceAPI: DeviceAPIService
    package var audit: any AuditStore
    package var importer: BulkImporter
    package var importJobs: ImportJobQueue
    package var clock: any WallClock
    /// This node's health for load balancers (`GET /api/health`).
    package var health: NodeHealth
    /// Records admins' actions in the audit log.
    package var auditor: AdminAuditor
    /// What the limiters refuse now (the system administrator's console).
    package var coolingOff: CoolingOffReport
    /// Where requests are counted and timed; `nil` when metrics are off.
    package var metrics: MusterMetrics?
    /// `GET /metrics` on this port: the scrape's exposition; `nil` serves no metrics here.
    package var metricsScrape: (@Sendable () async -> [UInt8])?
    /// Exports in the import's dialect (`GET /api/imports/export`); `nil` serves none.
    package var exporter: EntityExporter?

    package init(
        auth: AuthService, tenants: TenantService, profiles: ProfileService, devices: DeviceService, assets: AssetService,
        telemetry: TelemetryService, provisioning: ProvisionService, deviceAPI: DeviceAPIService, audit: any AuditStore,
        importer: BulkImporter, importJobs: ImportJobQueue, clock: any WallClock, health: NodeHealth,
        auditor: AdminAuditor, coolingOff: CoolingOffReport
    ) {
        self.auditor = auditor
        self.coolingOff = coolingOff
        self.auth = auth
        self.tenants = tenants
        self.profiles = profiles
        self.devices = devices
        self.assets = assets
        self.telemetry = telemetry
        self.provisioning = provisioning
        self.deviceAPI = deviceAPI
        self.audit = audit
        self.importer = importer
        self.importJobs = importJobs
        self.clock = clock
        self.health = health
    }
}

/// Builds the router with every route of the admin REST API, the device API and the console.
package func buildRouter(services: MusterHTTPServices, configuration: HTTPServerConfiguration) -> Router<MusterRequestContext> {
    let router = Router(context: MusterRequestContext.self)
    if let metrics = services.metrics { router.add(middleware: RequestMetricsMiddleware(metrics: metrics)) }
    if let scrape = services.metricsScrape { MetricsRoutes(scrape: scrape).register(on: router) }
    router.add(middleware: ErrorMiddleware())
    let limit = configuration.maxBodySize
    DeviceAPIRoutes(provisioning: services.provisioning, deviceAPI: services.deviceAPI, bodyLimit: limit).register(on: router)
    AuthRoutes(auth: services.auth, bodyLimit: limit).register(on: router)
    HealthRoutes(health: services.health).register(on: router)
    OpenAPIRoutes().register(on: router)
    // The trivial JSON route benchmarks compare against: it reads and parses a JSON body, and answers.
    router.post("/api/health") { request, _ in
        let body = try await JSONBody.bytes(of: request, limit: limit)
        guard (try? JSONParser.parse(body)) != nil else { throw RequestError.invalidBody("the body is not valid JSON") }
        return JSONBody.raw(Array(#"{"status":"UP"}"#.utf8))
    }

    let admin = router.group().add(middleware: AdminAuthMiddleware(auth: services.auth))
    let auditor = services.auditor
    AccountRoutes(tenants: services.tenants, auditor: auditor, bodyLimit: limit).register(on: admin)
    ProfileRoutes(profiles: services.profiles, auditor: auditor, bodyLimit: limit).register(on: admin)
    DeviceRoutes(devices: services.devices, auditor: auditor, bodyLimit: limit).register(on: admin)
    AssetRoutes(assets: services.assets, auditor: auditor, bodyLimit: limit).register(on: admin)
    TelemetryRoutes(telemetry: services.telemetry, auditor: auditor, bodyLimit: limit).register(on: admin)
    AuditRoutes(audit: services.audit, coolingOff: services.coolingOff, clock: services.clock).register(on: admin)
    LiveRoutes(telemetry: services.telemetry, audit: services.audit).register(on: admin)
    BulkImportRoutes(importer: services.importer, auditor: auditor, bodyLimit: configuration.maxImportRequestSize).register(on: admin)
    ImportJobRoutes(
        jobs: services.importJobs, auditor: auditor, directory: configuration.importDirectory, maxFileSize: configuration.maxImportFileSize,
        clock: services.clock
    ).register(on: admin)
    if let exporter = services.exporter { ExportRoutes(exporter: exporter, auditor: auditor).register(on: admin) }
    ConsoleRoutes().register(on: router)
    return router
}
