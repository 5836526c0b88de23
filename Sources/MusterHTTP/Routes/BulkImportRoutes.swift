import Hummingbird
import MusterCore

/// ThingsBoard's `POST /api/device/bulk_import` and `POST /api/asset/bulk_import`: the whole CSV in a JSON body,
/// imported before the answer.
struct BulkImportRoutes {
    let importer: BulkImporter
    let auditor: AdminAuditor
    let bodyLimit: Int

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.post("/api/device/bulk_import") { request, context in try await run(request, context, .device) }
        router.post("/api/asset/bulk_import") { request, context in try await run(request, context, .asset) }
    }

    private func run(_ request: Request, _ context: MusterRequestContext, _ entityType: ImportEntityType) async throws -> Response {
        let tenantId = try context.requireTenant()
        let body: BulkImportRequestDTO
        do {
            body = try await JSONBody.decode(BulkImportRequestDTO.self, from: request, limit: bodyLimit)
        } catch RequestError.bodyTooLarge(let limit) {
            // Refused from Content-Length, or as soon as the limit is passed, before the body is buffered.
            throw ThingsBoardError(
                .contentTooLarge,
                "Request body is larger than the bulk-import limit of \(limit) bytes (import.maxRequestSize); "
                    + "upload large CSV files as an import job with POST /api/imports (multipart, streamed to disk)",
                code: .badRequestParams
            )
        }
        let mapping = try body.mapping.mapping(entityType: entityType)
        do {
            let summary = try await importer.run(
                mapping: mapping, tenantId: tenantId, dryRun: body.mapping.dryRun ?? false,
                source: InMemoryImportSource(Array(body.file.utf8))
            )
            auditor.record(
                .imported, by: try context.actor(), on: .init(tenantId: tenantId),
                details: AdminAuditor.importDetails(entityType: entityType, summary: summary))
            return try JSONBody.response(BulkImportResultDTO(summary))
        } catch let error as ImportError {
            throw RequestError.invalidBody(error.description)
        }
    }
}
