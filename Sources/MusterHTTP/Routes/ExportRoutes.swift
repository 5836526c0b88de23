import Foundation
import HTTPTypes
import Hummingbird
import MusterCore
import NIOCore

/// Exports in the import's dialect (issue 16), for tenant admins:
/// - `GET /api/imports/export?entityType=DEVICE|ASSET&profileId=…&includeCredentials=true`: the CSV, streamed a
///   page at a time, with the mapping that reads it back in the `X-Muster-Import-Mapping` header (base64 of its
///   JSON, ready for `POST /api/imports`);
/// - `GET /api/imports/export/mapping?…`: that mapping alone, as JSON.
/// Credentials are left out unless `includeCredentials=true`; every export is audited (`EXPORT`, with whether
/// credentials were in it).
struct ExportRoutes {
    let exporter: EntityExporter
    let auditor: AdminAuditor

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.get("/api/imports/export") { request, context in
            let plan = try await plan(request, context)
            let mapping = try JSONEncoder().encode(Self.mapping(plan))
            auditor.record(
                .exported, by: try context.actor(), on: .init(tenantId: plan.selection.tenantId),
                details: "\(plan.selection.entityType.rawValue)"
                    + (plan.selection.profileId.map { ", profile \($0.lowercasedString)" } ?? "")
                    + (plan.withCredentials ? ", with credentials" : ", without credentials"))
            let body = ResponseBody { [exporter] writer in
                _ = try await exporter.export(plan) { text in try await writer.write(ByteBuffer(string: text)) }
                try await writer.finish(nil)
            }
            let name = plan.selection.entityType == .device ? "devices" : "assets"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(name)-export.csv\"",
                    HTTPField.Name("X-Muster-Import-Mapping")!: mapping.base64EncodedString(),
                    .cacheControl: "no-store",
                ],
                body: body)
        }
        router.get("/api/imports/export/mapping") { request, context in
            try JSONBody.response(Self.mapping(try await plan(request, context)))
        }
    }

    private func plan(_ request: Request, _ context: MusterRequestContext) async throws -> ExportPlan {
        let tenantId = try context.requireTenant()
        let entityType: ImportEntityType
        switch request.query("entityType")?.uppercased() ?? "DEVICE" {
        case "DEVICE": entityType = .device
        case "ASSET": entityType = .asset
        case let other: throw RequestError.invalidParameter(name: "entityType", reason: "'\(other)' is not DEVICE or ASSET")
        }
        let selection = ExportSelection(tenantId: tenantId, entityType: entityType, profileId: try request.queryUUID("profileId"))
        return try await exporter.plan(selection, withCredentials: request.queryFlag("includeCredentials"))
    }

    /// The import mapping of `plan`'s file, as `POST /api/imports` takes it.
    static func mapping(_ plan: ExportPlan) -> ImportMappingDTO {
        ImportMappingDTO(
            columns: plan.mappingColumns.map { ImportColumnDTO(type: $0.type, key: $0.key, valueType: $0.valueType) },
            delimiter: ",", update: false, header: true, entityType: plan.selection.entityType)
    }
}
