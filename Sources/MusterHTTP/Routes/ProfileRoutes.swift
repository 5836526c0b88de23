import Hummingbird
import MusterCore

/// Device and asset profiles.
struct ProfileRoutes {
    let profiles: ProfileService
    let auditor: AdminAuditor
    let bodyLimit: Int

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.post("/api/deviceProfile") { request, context in
            let tenantId = try context.requireTenant()
            let body = try await JSONBody.decode(DeviceProfileDTO.self, from: request, limit: bodyLimit)
            let draft = try body.draft()
            var previous: DeviceProfile?
            if let id = draft.id { previous = try? await profiles.deviceProfile(id: id, tenantId: tenantId) }
            let saved = try await profiles.saveDeviceProfile(draft, tenantId: tenantId)
            auditor.profileSaved(saved, previous: previous, by: try context.actor())
            return try JSONBody.response(DeviceProfileDTO(saved, devicesCreated: try await profiles.devicesCreatedThroughKey(saved)))
        }
        router.get("/api/deviceProfile/:id") { _, context in
            let profile = try await profiles.deviceProfile(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            return try JSONBody.response(
                DeviceProfileDTO(profile, devicesCreated: try await profiles.devicesCreatedThroughKey(profile)))
        }
        router.delete("/api/deviceProfile/:id") { _, context in
            let (id, tenantId) = (try context.uuidParameter("id"), try context.requireTenant())
            let profile = try await profiles.deviceProfile(id: id, tenantId: tenantId)
            try await profiles.deleteDeviceProfile(id: id, tenantId: tenantId)
            auditor.record(.profileDeleted, by: try context.actor(), on: .profile(profile))
            return JSONBody.empty()
        }
        router.post("/api/deviceProfile/:id/default") { _, context in
            let profile = try await profiles.setDefaultDeviceProfile(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            auditor.record(.profileUpdated, by: try context.actor(), on: .profile(profile), details: "changed: default")
            return try JSONBody.response(DeviceProfileDTO(profile))
        }
        router.get("/api/deviceProfiles") { request, context in
            let page = try await profiles.deviceProfiles(tenantId: try context.requireTenant(), try request.pageLink())
            return try JSONBody.response(PageDataDTO(page) { DeviceProfileDTO($0) })
        }
        router.get("/api/deviceProfileInfos") { request, context in
            var page = try await profiles.deviceProfiles(tenantId: try context.requireTenant(), try request.pageLink())
            if let transport = request.query("transportType"), !transport.isEmpty {
                page.data = page.data.filter { $0.transportType == transport }
            }
            return try JSONBody.response(PageDataDTO(page, DeviceProfileInfoDTO.init))
        }
        router.get("/api/deviceProfileInfo/default") { _, context in
            try JSONBody.response(DeviceProfileInfoDTO(try await profiles.defaultDeviceProfile(tenantId: try context.requireTenant())))
        }
        router.get("/api/deviceProfileInfo/:id") { _, context in
            let profile = try await profiles.deviceProfile(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            return try JSONBody.response(DeviceProfileInfoDTO(profile))
        }

        router.post("/api/assetProfile") { request, context in
            let tenantId = try context.requireTenant()
            let body = try await JSONBody.decode(AssetProfileDTO.self, from: request, limit: bodyLimit)
            let profile = try await profiles.saveAssetProfile(
                id: try body.id?.uuid(field: "id"), name: body.name, description: body.description, version: body.version,
                tenantId: tenantId
            )
            return try JSONBody.response(AssetProfileDTO(profile))
        }
        router.get("/api/assetProfile/:id") { _, context in
            let profile = try await profiles.assetProfile(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            return try JSONBody.response(AssetProfileDTO(profile))
        }
        router.delete("/api/assetProfile/:id") { _, context in
            try await profiles.deleteAssetProfile(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            return JSONBody.empty()
        }
        router.get("/api/assetProfiles") { request, context in
            let page = try await profiles.assetProfiles(tenantId: try context.requireTenant(), try request.pageLink())
            return try JSONBody.response(PageDataDTO(page, AssetProfileDTO.init))
        }
        router.get("/api/assetProfileInfos") { request, context in
            let page = try await profiles.assetProfiles(tenantId: try context.requireTenant(), try request.pageLink())
            return try JSONBody.response(PageDataDTO(page, AssetProfileInfoDTO.init))
        }
        router.get("/api/assetProfileInfo/default") { _, context in
            try JSONBody.response(AssetProfileInfoDTO(try await profiles.defaultAssetProfile(tenantId: try context.requireTenant())))
        }
        router.get("/api/assetProfileInfo/:id") { _, context in
            let profile = try await profiles.assetProfile(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())
            return try JSONBody.response(AssetProfileInfoDTO(profile))
        }
    }
}
