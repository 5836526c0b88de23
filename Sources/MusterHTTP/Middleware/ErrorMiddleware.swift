import HTTPTypes
import Hummingbird
import Logging
import MusterCore

/// Turns every error a route throws into ThingsBoard's error JSON. Every 5xx answer is logged with its cause (the
/// error's type and, for a store error, the driver's code and message; never the request body or a bound value)
/// and the request id that Hummingbird puts in the context's logger (`hb.request.id`), which the answer carries
/// in `X-Request-Id`.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = MusterRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var mapped = ThingsBoardError(error)
            if mapped.status.kind == .serverError {
                // The same id as the log line's, so an operator can find the cause of an answer.
                if let id = context.logger[metadataKey: "hb.request.id"] {
                    mapped.headers[HTTPField.Name("X-Request-Id")!] = "\(id)"
                }
                var metadata: Logger.Metadata = [
                    "path": "\(request.uri.path)", "status": "\(mapped.status.code)",
                    "error": "\(String(reflecting: type(of: error)))",
                ]
                if let store = error as? any StoreFailureReporting {
                    metadata["cause"] = "\(store.storeDiagnostic)"
                } else if let answer = error as? ThingsBoardError {
                    // A route's own 5xx (a store condition it mapped itself, say): its message, not a dump of it.
                    metadata["cause"] = "\(answer.message)"
                } else {
                    metadata["cause"] = "\(String(String(describing: error).prefix(500)))"
                }
                context.logger.error("request failed", metadata: metadata)
            }
            return try mapped.response(from: request, context: context)
        }
    }
}
