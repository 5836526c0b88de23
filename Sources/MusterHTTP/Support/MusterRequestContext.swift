import Foundation
import Hummingbird
import MusterCore
import NIOCore

/// The request context of every Muster route: the peer's address and, on admin routes, the principal.
package struct MusterRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The peer's IP address without port ("unknown" when the channel has none).
    package let sourceAddress: String
    /// Set by ``AdminAuthMiddleware`` on authenticated routes.
    package var principal: Principal?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.sourceAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        self.principal = nil
    }

    /// The authenticated principal.
    /// - Throws: ``AuthError/missingToken`` when the route was reached without authentication.
    package func requirePrincipal() throws -> Principal {
        guard let principal else { throw AuthError.missingToken }
        return principal
    }

    /// The authenticated admin and the peer's address, as the audit records an admin action.
    package func actor() throws -> AdminActor {
        AdminActor(principal: try requirePrincipal(), sourceAddress: sourceAddress)
    }

    /// The tenant of the authenticated tenant admin.
    package func requireTenant() throws -> UUID {
        try requirePrincipal().requireTenant()
    }
}
