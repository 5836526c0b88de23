import Foundation
import Hummingbird
import MusterCore

/// `/api/plugins/telemetry/...`: attributes and time series of devices and assets.
struct TelemetryRoutes {
    let telemetry: TelemetryService
    let auditor: AdminAuditor
    let bodyLimit: Int

    func register(on router: RouterGroup<MusterRequestContext>) {
        let base = "/api/plugins/telemetry/:entityType/:entityId"
        router.get("\(base)/values/attributes") { request, context in
            try await readAttributes(request, context, scopes: MusterCore.AttributeScope.allCases)
        }
        router.get("\(base)/values/attributes/:scope") { request, context in
            try await readAttributes(request, context, scopes: [try scope(context)])
        }
        router.get("\(base)/keys/attributes") { _, context in
            let (kind, id) = try entity(context)
            let keys = try await telemetry.attributeKeys(kind, id: id, scopes: MusterCore.AttributeScope.allCases, tenantId: try context.requireTenant())
            return try JSONBody.response(keys)
        }
        router.get("\(base)/keys/attributes/:scope") { _, context in
            let (kind, id) = try entity(context)
            let keys = try await telemetry.attributeKeys(kind, id: id, scopes: [try scope(context)], tenantId: try context.requireTenant())
            return try JSONBody.response(keys)
        }
        router.post("\(base)/attributes/:scope") { request, context in try await saveAttributes(request, context) }
        router.post("\(base)/:scope") { request, context in try await saveAttributes(request, context) }
        // The short device forms `/api/plugins/telemetry/{deviceId}/{scope}`. The router needs one parameter
        // name per position, so the device id arrives as `entityType` and the scope as `entityId`.
        router.post("/api/plugins/telemetry/:entityType/:entityId") { request, context in
            try await saveAttributes(request, context, kind: .device)
        }
        router.delete("\(base)/:scope") { request, context in try await deleteAttributes(request, context) }
        router.delete("/api/plugins/telemetry/:entityType/:entityId") { request, context in
            try await deleteAttributes(request, context, kind: .device)
        }
        router.post("\(base)/timeseries/:scope") { request, context in
            let (kind, id) = try entity(context)
            let body = try await JSONBody.bytes(of: request, limit: bodyLimit)
            let tenantId = try context.requireTenant()
            try await telemetry.saveTelemetry(kind, id: id, body: body, tenantId: tenantId)
            auditor.record(
                .timeseriesUpdated, by: try context.actor(), on: Self.subject(kind, id, tenantId),
                details: Self.describe(kind, id))
            return JSONBody.empty()
        }
        router.get("\(base)/values/timeseries") { request, context in
            if request.query("startTs") != nil { return try await history(request, context) }
            let (kind, id) = try entity(context)
            let keys = request.queryList("keys", "key")
            let points = try await telemetry.latestTimeseries(kind, id: id, keys: keys, tenantId: try context.requireTenant())
            return JSONBody.raw(timeseriesJSON(points, strict: request.queryFlag("useStrictDataTypes")))
        }
        router.get("\(base)/values/timeseries/history") { request, context in try await history(request, context) }
        router.get("\(base)/keys/timeseries") { _, context in
            let (kind, id) = try entity(context)
            return try JSONBody.response(try await telemetry.timeseriesKeys(kind, id: id, tenantId: try context.requireTenant()))
        }
    }

    private func entity(_ context: MusterRequestContext) throws -> (EntityKind, UUID) {
        let name = context.parameters.get("entityType") ?? "DEVICE"
        guard let kind = EntityKind(rawValue: name), kind == .device || kind == .asset else {
            throw RequestError.invalidParameter(name: "entityType", reason: "'\(name)' is not DEVICE or ASSET")
        }
        return (kind, try context.uuidParameter("entityId"))
    }

    /// The entity of the route: from the path, or a device for the short `/{deviceId}/{scope}` routes.
    private func target(_ context: MusterRequestContext, kind: EntityKind?) throws -> (EntityKind, UUID) {
        guard let kind else { return try entity(context) }
        return (kind, try context.uuidParameter("entityType"))
    }

    private func scope(_ context: MusterRequestContext) throws -> MusterCore.AttributeScope {
        let name = context.parameters.get("scope") ?? context.parameters.get("entityId") ?? ""
        guard let scope = MusterCore.AttributeScope(rawValue: name) else {
            throw RequestError.invalidParameter(name: "scope", reason: "'\(name)' is not CLIENT_SCOPE, SERVER_SCOPE or SHARED_SCOPE")
        }
        return scope
    }

    private func readAttributes(_ request: Request, _ context: MusterRequestContext, scopes: [MusterCore.AttributeScope]) async throws -> Response {
        let (kind, id) = try entity(context)
        let attributes = try await telemetry.attributes(
            kind, id: id, scopes: scopes, keys: request.queryList("keys", "key"), tenantId: try context.requireTenant()
        )
        return JSONBody.raw(attributesJSON(attributes))
    }

    private func saveAttributes(_ request: Request, _ context: MusterRequestContext, kind: EntityKind? = nil) async throws -> Response {
        let (entityKind, id) = try target(context, kind: kind)
        let body = try await JSONBody.bytes(of: request, limit: bodyLimit)
        let (scope, tenantId) = (try scope(context), try context.requireTenant())
        try await telemetry.saveAttributes(entityKind, id: id, scope: scope, body: body, tenantId: tenantId)
        auditor.record(
            .attributesUpdated, by: try context.actor(), on: Self.subject(entityKind, id, tenantId),
            details: "\(Self.describe(entityKind, id)) \(scope.rawValue)")
        return JSONBody.empty()
    }

    private func deleteAttributes(_ request: Request, _ context: MusterRequestContext, kind: EntityKind? = nil) async throws -> Response {
        let (entityKind, id) = try target(context, kind: kind)
        guard let keys = request.queryList("keys", "key"), !keys.isEmpty else {
            throw RequestError.invalidParameter(name: "keys", reason: "is required")
        }
        let (scope, tenantId) = (try scope(context), try context.requireTenant())
        try await telemetry.deleteAttributes(entityKind, id: id, scope: scope, keys: keys, tenantId: tenantId)
        auditor.record(
            .attributesDeleted, by: try context.actor(), on: Self.subject(entityKind, id, tenantId),
            details: "\(Self.describe(entityKind, id)) \(scope.rawValue): \(keys.joined(separator: ", "))")
        return JSONBody.empty()
    }

    private func history(_ request: Request, _ context: MusterRequestContext) async throws -> Response {
        let (kind, id) = try entity(context)
        guard let keys = request.queryList("keys", "key"), !keys.isEmpty else {
            throw RequestError.invalidParameter(name: "keys", reason: "is required")
        }
        guard let startTs = try request.queryInt64("startTs"), let endTs = try request.queryInt64("endTs") else {
            throw RequestError.invalidParameter(name: "startTs/endTs", reason: "are required")
        }
        let limit = min(max(try request.queryInt("limit") ?? 100, 1), 10_000)
        let ascending = request.query("orderBy")?.uppercased() == "ASC"
        let points = try await telemetry.timeseries(
            kind, id: id, keys: keys, startTs: startTs, endTs: endTs, limit: limit, ascending: ascending, tenantId: try context.requireTenant()
        )
        return JSONBody.raw(timeseriesJSON(points, strict: request.queryFlag("useStrictDataTypes")))
    }

    /// The audit subject of a key-value write: a device's id is the entry's entity (the audit lists a device's
    /// entries by it); an asset's is named in the details only, since an entry's entity is taken for a device.
    static func subject(_ kind: EntityKind, _ id: UUID, _ tenantId: UUID) -> AdminAuditor.Subject {
        AdminAuditor.Subject(tenantId: tenantId, entityId: kind == .device ? id : nil)
    }

    /// `DEVICE` for a device (its id is the entry's entity), `ASSET <id>` for an asset.
    static func describe(_ kind: EntityKind, _ id: UUID) -> String {
        kind == .device ? kind.rawValue : "\(kind.rawValue) \(id.lowercasedString)"
    }
}
