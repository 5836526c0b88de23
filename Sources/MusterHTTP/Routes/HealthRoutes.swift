import Hummingbird
import MusterCore
import NIOCore

/// `GET /api/health` and `HEAD /api/health`, without authentication, for load balancers: 200
/// `{"status":"UP","node":…,"database":"UP"}` when this node's database answers within 2 s, else 503
/// `{"status":"DOWN","node":…,"database":"DOWN","reason":…}` (the same status, without a body, for `HEAD`).
/// (`POST /api/health`, the benchmarks' trivial JSON route, is registered beside it.)
struct HealthRoutes {
    let health: NodeHealth

    func register(on router: Router<MusterRequestContext>) {
        router.get("/api/health") { _, _ in Self.response(await health.check(), withBody: true) }
        router.head("/api/health") { _, _ in Self.response(await health.check(), withBody: false) }
    }

    /// The answer to one check; never cached by a proxy.
    static func response(_ report: NodeHealth.Report, withBody: Bool) -> Response {
        var fields: [String: JSONValue] = [
            "status": .string(report.databaseUp ? "UP" : "DOWN"), "node": .string(report.node),
            "database": .string(report.databaseUp ? "UP" : "DOWN"),
        ]
        if let reason = report.reason { fields["reason"] = .string(reason) }
        let body = Array(JSONValue.object(fields).serialized.utf8)
        let headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        return Response(
            status: report.databaseUp ? .ok : .serviceUnavailable, headers: headers,
            body: withBody ? .init(byteBuffer: ByteBuffer(bytes: body)) : .init())
    }
}
