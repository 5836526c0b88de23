import Hummingbird
import MusterCore

/// `GET /api/audit/logs`: the audit log (provisioning attempts, device sessions the server closed), newest first.
struct AuditRoutes {
    let audit: any AuditStore

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.get("/api/audit/logs") { request, context in
            let principal = try context.requirePrincipal()
            let tenantId = principal.authority == .systemAdmin ? nil : try principal.requireTenant()
            var filter = AuditFilter(profileId: try request.queryUUID("profileId"), deviceId: try request.queryUUID("deviceId"))
            if let outcome = request.query("outcome"), !outcome.isEmpty {
                guard let parsed = ProvisionOutcome(rawValue: outcome.uppercased()) else {
                    throw RequestError.invalidParameter(
                        name: "outcome", reason: "must be one of \(ProvisionOutcome.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                filter.outcome = parsed
            }
            let page = try await audit.auditEntries(tenantId: tenantId, filter: filter, try request.pageLink())
            return try JSONBody.response(PageDataDTO(page, AuditLogDTO.init))
        }
    }
}
