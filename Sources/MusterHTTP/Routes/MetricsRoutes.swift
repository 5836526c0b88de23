import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /metrics`: the node's metrics in Prometheus's text format, without login (only when the operator turned
/// metrics on; on the HTTP port, or alone on `--metrics-port`).
package struct MetricsRoutes<Context: RequestContext> {
    /// The exposition, refreshed (gauges read now) at each scrape.
    package let scrape: @Sendable () async -> [UInt8]

    package init(scrape: @escaping @Sendable () async -> [UInt8]) {
        self.scrape = scrape
    }

    package func register(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            let headers: HTTPFields = [
                .contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store",
            ]
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: await scrape())))
        }
    }
}
