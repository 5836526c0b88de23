import Foundation
import Hummingbird
import MusterCore

/// `GET /api/audit/logs`: the audit log (provisioning attempts, device sessions the server closed, logins, admin
/// actions), newest first; filtered by `outcome`, `action`, `actor`, `profileId`, `deviceId`, a device-name prefix
/// (`textSearch`) and a time range (`startTime`, `endTime`: epoch milliseconds, both inclusive, as ThingsBoard's audit
/// API); the system administrator may name a tenant (`tenantId`, or `none` for the entries of no tenant).
/// `GET /api/audit/coolingOff` (system administrator): the sources, keys and accounts the limiters refuse now.
struct AuditRoutes {
    let audit: any AuditStore
    let coolingOff: CoolingOffReport
    let clock: any WallClock

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.get("/api/audit/logs") { request, context in
            let (tenantId, filter) = try Self.scope(request, try context.requirePrincipal())
            let page = try await audit.auditEntries(tenantId: tenantId, filter: filter, try request.pageLink())
            return try JSONBody.response(PageDataDTO(page, AuditLogDTO.init))
        }
        router.get("/api/audit/coolingOff") { _, context in
            try context.requirePrincipal().requireSystemAdmin()
            let now = clock.nowMilliseconds()
            let listed = try await coolingOff.current(now: now, limit: 1000)
            return try JSONBody.response(listed.map { CoolingOffDTO($0, now: now) })
        }
    }

    /// The tenant and the filter a request's parameters name: a tenant admin reads their tenant's entries only.
    static func scope(_ request: Request, _ principal: Principal) throws -> (tenantId: UUID?, filter: AuditFilter) {
        var tenantId = principal.authority == .systemAdmin ? nil : try principal.requireTenant()
        var filter = AuditFilter(
            profileId: try request.queryUUID("profileId"), deviceId: try request.queryUUID("deviceId"),
            startTime: try time(request, "startTime"), endTime: try time(request, "endTime"))
        if let start = filter.startTime, let end = filter.endTime, start > end {
            throw RequestError.invalidParameter(name: "endTime", reason: "must not be before startTime")
        }
        if let outcome = request.query("outcome"), !outcome.isEmpty {
            guard let parsed = ProvisionOutcome(rawValue: outcome.uppercased()) else {
                throw RequestError.invalidParameter(
                    name: "outcome", reason: "must be one of \(ProvisionOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.outcome = parsed
        }
        if let action = request.query("action"), !action.isEmpty {
            guard let parsed = AuditAction(rawValue: action.uppercased()) else {
                throw RequestError.invalidParameter(
                    name: "action", reason: "must be one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.action = parsed
        }
        if let actor = request.query("actor"), !actor.isEmpty { filter.actor = actor }
        if principal.authority == .systemAdmin, let tenant = request.query("tenantId"), !tenant.isEmpty {
            if tenant.lowercased() == "none" {
                filter.withoutTenant = true
            } else {
                tenantId = try request.queryUUID("tenantId")
            }
        }
        return (tenantId, filter)
    }

    /// A time parameter in epoch milliseconds (ThingsBoard's `startTime`/`endTime`), or `nil` when absent or empty.
    static func time(_ request: Request, _ name: String) throws -> Int64? {
        guard let text = request.query(name), !text.isEmpty else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw RequestError.invalidParameter(name: name, reason: "must be a time in epoch milliseconds (0 or more)")
        }
        return value
    }
}
