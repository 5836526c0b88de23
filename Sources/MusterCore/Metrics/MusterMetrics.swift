import CoreMetrics

/// The figures an operator watches and alerts on (issue 16), recorded through swift-metrics' API on the factory the
/// composition root picks: Prometheus's with `--metrics`, swift-metrics' no-op otherwise (``off``), so that the code
/// recording them does not know where they go.
///
/// Every name, label and unit is here, so the scrape's contract is one file (the README lists it). Labels only take
/// values from a closed set (transports, outcomes, reason codes, route patterns, the names of profiles the
/// provision key matched): nothing a client sends, and never a secret, becomes a label.
package struct MusterMetrics: Sendable {
    private let factory: any MetricsFactory

    package init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records nothing.
    package static let off = MusterMetrics(factory: NOOPMetricsHandler.instance)

    // MARK: Provisioning

    /// One audited provisioning attempt: its transport, the profile its key matched (empty when none), its outcome
    /// and the audit's reason code.
    package func provisionAttempt(transport: ProvisionTransport, profile: String?, outcome: ProvisionOutcome, reason: String) {
        Counter(
            label: "muster_provision_attempts_total",
            dimensions: [
                ("transport", transport.rawValue), ("profile", profile ?? ""), ("outcome", outcome.rawValue),
                ("reason", reason),
            ],
            factory: factory
        ).increment()
    }

    /// How long an answered attempt took, from its decoded payload to its answer.
    package func provisionDuration(transport: ProvisionTransport, _ duration: Duration) {
        CoreMetrics.Timer(
            label: "muster_provision_duration_seconds", dimensions: [("transport", transport.rawValue)],
            factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }

    /// An attempt refused because its source (`scope` "source") or its provision key ("key") is cooling off.
    package func coolingOffRefusal(transport: ProvisionTransport, scope: String) {
        Counter(
            label: "muster_provision_cooling_off_refusals_total",
            dimensions: [("transport", transport.rawValue), ("scope", scope)], factory: factory
        ).increment()
    }

    // MARK: Imports

    /// Rows an import committed (`outcome` created or updated) or reported failed.
    package func importRows(outcome: String, count: Int) {
        guard count > 0 else { return }
        Counter(label: "muster_import_rows_total", dimensions: [("outcome", outcome)], factory: factory)
            .increment(by: count)
    }

    /// The summed rows per second of this node's running import jobs (0 when none runs).
    package func importRowsPerSecond(_ value: Double) {
        Gauge(label: "muster_import_rows_per_second", factory: factory).record(value)
    }

    // MARK: Sessions

    /// Device sessions open on this node now: MQTT connections, CoAP observations.
    package func sessionsOpen(transport: ProvisionTransport, count: Int) {
        Gauge(label: "muster_sessions_open", dimensions: [("transport", transport.rawValue)], factory: factory)
            .record(count)
    }

    // MARK: Store

    /// One store transaction of several rows (`kind` provision: a group commit of provisionings; import: an import
    /// batch): its rows and how long it took.
    package func storeCommit(kind: String, rows: Int, _ duration: Duration) {
        let dimensions = [("kind", kind)]
        CoreMetrics.Timer(label: "muster_store_transaction_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        Recorder(label: "muster_store_batch_rows", dimensions: dimensions, aggregate: true, factory: factory)
            .record(rows)
    }

    // MARK: HTTP

    /// One HTTP request: its method, its route's pattern (never its path: a device's token is part of some paths),
    /// its status and how long it took.
    package func httpRequest(method: String, route: String, status: Int, _ duration: Duration) {
        Counter(
            label: "muster_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory
        ).increment()
        CoreMetrics.Timer(
            label: "muster_http_request_duration_seconds", dimensions: [("method", method), ("route", route)],
            factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }
}
