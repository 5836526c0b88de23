import Foundation
import Hummingbird
import MusterCore

/// Assets.
struct AssetRoutes {
    let assets: AssetService
    let auditor: AdminAuditor
    let bodyLimit: Int

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.post("/api/asset") { request, context in
            let tenantId = try context.requireTenant()
            let body = try await JSONBody.decode(AssetDTO.self, from: request, limit: bodyLimit)
            let draft = try body.draft()
            let asset = try await assets.save(draft, tenantId: tenantId)
            auditor.record(draft.id == nil ? .assetCreated : .assetUpdated, by: try context.actor(), on: .asset(asset))
            return try JSONBody.response(AssetDTO(asset))
        }
        router.get("/api/asset/:id") { _, context in
            try JSONBody.response(AssetDTO(try await assets.asset(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())))
        }
        router.get("/api/asset/info/:id") { _, context in
            let asset = try await assets.asset(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            return try JSONBody.response(AssetDTO(asset, info: true))
        }
        router.delete("/api/asset/:id") { _, context in
            let (id, tenantId) = (try context.uuidParameter("id"), try context.requireTenant())
            let asset = try await assets.asset(id: id, tenantId: tenantId)
            try await assets.delete(id: id, tenantId: tenantId)
            auditor.record(.assetDeleted, by: try context.actor(), on: .asset(asset))
            return JSONBody.empty()
        }
        router.get("/api/tenant/asset") { request, context in
            try await byName(request, context)
        }
        router.get("/api/tenant/assets") { request, context in
            if request.query("assetName") != nil { return try await byName(request, context) }
            let page = try await assets.assets(
                tenantId: try context.requireTenant(), profileId: try request.queryUUID("assetProfileId"), try request.pageLink()
            )
            return try JSONBody.response(PageDataDTO(page) { AssetDTO($0) })
        }
        router.get("/api/tenant/assetInfos") { request, context in
            let page = try await assets.assets(
                tenantId: try context.requireTenant(), profileId: try request.queryUUID("assetProfileId"), try request.pageLink()
            )
            return try JSONBody.response(PageDataDTO(page) { AssetDTO($0, info: true) })
        }
    }

    private func byName(_ request: Request, _ context: MusterRequestContext) async throws -> Response {
        guard let name = request.query("assetName") else {
            throw RequestError.invalidParameter(name: "assetName", reason: "is required")
        }
        return try JSONBody.response(AssetDTO(try await assets.asset(name: name, tenantId: try context.requireTenant())))
    }
}
