import Hummingbird
import Logging
import MusterCore

/// Turns every error a route throws into ThingsBoard's error JSON; unknown errors are logged (without the
/// request body) and answered 500.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = MusterRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = ThingsBoardError(error)
            if mapped.status == .internalServerError {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: type(of: error)))"])
            }
            return try mapped.response(from: request, context: context)
        }
    }
}
