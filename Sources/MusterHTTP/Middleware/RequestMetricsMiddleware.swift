import Hummingbird
import MusterCore

/// Counts and times every HTTP request by method, route pattern and status (`muster_http_requests_total`,
/// `muster_http_request_duration_seconds`). Outermost, so it sees the status the client gets, errors included.
/// The label is the route's pattern (`/api/v1/{token}/telemetry`), never the path, which carries tokens.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: MusterMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            record(method, context.endpointPath ?? "unmatched", response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(method, context.endpointPath ?? "unmatched", status, since: start)
            throw error
        }
    }

    private func record(_ method: String, _ route: String, _ status: Int, since start: ContinuousClock.Instant) {
        metrics.httpRequest(
            method: method, route: route, status: status, ContinuousClock.now - start)
    }
}
