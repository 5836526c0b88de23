import MusterCore
import Prometheus

/// This node's metrics when the operator turned them on (`--metrics`, `--metrics-port`): one Prometheus registry
/// per node (never the process's global metrics system, so that several servers in one test process keep their own
/// figures), the core's ``MusterMetrics`` recording into it, and the scrape that reads it.
struct NodeMetrics: Sendable {
    let metrics: MusterMetrics
    private let registry: PrometheusCollectorRegistry

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Provisioning and HTTP answers take milliseconds; the buckets resolve 0.5 ms to 10 s.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(10),
        ]
        // Rows per group commit (at most 64 provisionings) or per import batch (at most 10,000 rows).
        factory.valueHistogramBuckets["muster_store_batch_rows"] = [1, 2, 4, 8, 16, 32, 64, 128, 1000, 10_000]
        metrics = MusterMetrics(factory: factory)
    }

    /// The scrape: the gauges read from the node's state now, then the registry in Prometheus's text format.
    /// - Parameters:
    ///   - sessions: The device sessions open on this node.
    ///   - jobs: Where this node's running import jobs are read (`owner`).
    func scrape(
        sessions: DeviceSessionHub, jobs: any ImportJobStore, owner: String, clock: any WallClock
    ) -> @Sendable () async -> [UInt8] {
        { [metrics, registry] in
            let open = sessions.openSessions()
            for transport in [ProvisionTransport.mqtt, .coap] {
                metrics.sessionsOpen(transport: transport, count: open[transport] ?? 0)
            }
            // A failed read leaves the last value: the store's trouble shows in its own metrics and health.
            if let running = try? await jobs.runningImportJobs(owner: owner, heartbeatBefore: nil) {
                let now = clock.nowMilliseconds()
                metrics.importRowsPerSecond(Double(running.reduce(0) { $0 + $1.rowsPerSecond(now: now) }))
            }
            return registry.emitToBuffer()
        }
    }
}
