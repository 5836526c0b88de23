import Foundation
import Hummingbird
import MusterCore

/// Live pages of the console, as Server-Sent Events (see ``EventStream``), read with the admin's token like every
/// other admin route (the console reads them with `fetch`, which sends the `X-Authorization` header):
/// - `GET /api/live/device/{id}`: a `device` event with the device's latest telemetry, its attributes of every scope,
///   its provision state and last activity, each time any of them changes; `gone` when the device is deleted.
/// - `GET /api/live/audit?…`: an `audit` event with the newest entry's id and the total whenever an entry matching
///   the filters (those of `GET /api/audit/logs`) is added.
struct LiveRoutes {
    let telemetry: TelemetryService
    let audit: any AuditStore
    var stream = EventStream()

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.get("/api/live/device/:id") { _, context in
            let (id, tenantId) = (try context.uuidParameter("id"), try context.requireTenant())
            // An unknown device is a 404 before the stream starts.
            _ = try await Self.deviceEvent(telemetry, id: id, tenantId: tenantId)
            return stream.response { [telemetry] in
                do {
                    return try await Self.deviceEvent(telemetry, id: id, tenantId: tenantId)
                } catch AdminError.notFound {
                    return nil
                }
            }
        }
        router.get("/api/live/audit") { request, context in
            let (tenantId, filter) = try AuditRoutes.scope(request, try context.requirePrincipal())
            var link = try request.pageLink()
            link.pageSize = 1
            link.page = 0
            return stream.response { [audit, link] in
                let page = try await audit.auditEntries(tenantId: tenantId, filter: filter, link)
                let newest: JSONValue = page.data.first.map { .string($0.id.lowercasedString) } ?? .null
                let data = JSONValue.object(["newest": newest, "totalElements": .number(String(page.totalElements))])
                return EventStream.Event(name: "audit", data: data.serialized)
            }
        }
    }

    /// The device's live state as one event: latest telemetry (`{key: {ts, value}}`, typed values), attributes
    /// (`{scope: [{key, value, lastUpdateTs}]}`), `provisionState` and `lastActivityTime` (or `null`).
    static func deviceEvent(_ telemetry: TelemetryService, id: UUID, tenantId: UUID) async throws -> EventStream.Event {
        let state = try await telemetry.liveState(deviceId: id, tenantId: tenantId)
        var latest: [String: JSONValue] = [:]
        for point in state.latest {
            latest[point.key] = .object(["ts": .number(String(point.ts)), "value": point.value.jsonValue])
        }
        var scopes: [String: JSONValue] = [:]
        for (scope, attributes) in state.attributes {
            scopes[scope.rawValue] = .array(attributes.map {
                .object(["key": .string($0.key), "value": $0.value.jsonValue, "lastUpdateTs": .number(String($0.lastUpdateTs))])
            })
        }
        let data = JSONValue.object([
            "telemetry": .object(latest), "attributes": .object(scopes),
            "provisionState": state.provisionState?.jsonValue ?? .null,
            "lastActivityTime": state.lastActivityTime.map { .number(String($0)) } ?? .null,
        ])
        return EventStream.Event(name: "device", data: data.serialized)
    }
}
