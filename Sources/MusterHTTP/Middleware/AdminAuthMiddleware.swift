import HTTPTypes
import Hummingbird
import MusterCore

/// Authenticates admin routes with `X-Authorization: Bearer <jwt>` or `Authorization: Bearer <jwt>`.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = MusterRequestContext
    let auth: AuthService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request) else { throw AuthError.missingToken }
        var context = context
        context.principal = try auth.authenticate(token)
        return try await next(request, context)
    }

    static func bearerToken(_ request: Request) -> String? {
        let xAuthorization = HTTPField.Name("X-Authorization")!
        for header in [request.headers[xAuthorization], request.headers[.authorization]] {
            guard let header else { continue }
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty { return String(parts[1]) }
        }
        return nil
    }
}
