import Foundation
import Hummingbird
import MusterCore

/// Devices and their credentials.
struct DeviceRoutes {
    let devices: DeviceService
    let auditor: AdminAuditor
    let bodyLimit: Int

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.post("/api/device") { request, context in
            let tenantId = try context.requireTenant()
            let body = try await JSONBody.decode(DeviceDTO.self, from: request, limit: bodyLimit)
            let draft = try body.draft()
            var previous: Device?
            if let id = draft.id { previous = try? await devices.device(id: id, tenantId: tenantId) }
            let device = try await devices.save(draft, accessToken: request.query("accessToken"), tenantId: tenantId)
            if let previous {
                let fields = AdminAuditor.changedFields(previous, device)
                auditor.record(
                    .deviceUpdated, by: try context.actor(), on: .device(device),
                    details: fields.isEmpty ? "no field changed" : "changed: " + fields.joined(separator: ", "))
            } else {
                auditor.record(.deviceCreated, by: try context.actor(), on: .device(device))
            }
            return try JSONBody.response(DeviceDTO(device))
        }
        router.post("/api/device-with-credentials") { request, context in
            let tenantId = try context.requireTenant()
            let body = try await JSONBody.decode(DeviceWithCredentialsDTO.self, from: request, limit: bodyLimit)
            guard let device = body.device else { throw AdminError.invalidField(field: "device", reason: "must not be null") }
            guard let credentials = body.credentials else {
                throw AdminError.invalidField(field: "credentials", reason: "must not be null")
            }
            var draft = try device.draft()
            guard draft.id == nil else {
                throw RequestError.invalidParameter(name: "device.id", reason: "must be absent: this call creates a device")
            }
            draft.id = nil
            let saved = try await devices.save(draft, credentials: try credentials.draft(), tenantId: tenantId)
            auditor.record(.deviceCreated, by: try context.actor(), on: .device(saved), details: "with credentials")
            return try JSONBody.response(DeviceDTO(saved))
        }
        router.get("/api/device/:id") { _, context in
            try JSONBody.response(DeviceDTO(try await devices.device(id: try context.uuidParameter("id"), tenantId: try context.requireTenant())))
        }
        router.get("/api/device/info/:id") { _, context in
            let tenantId = try context.requireTenant()
            let device = try await devices.device(id: try context.uuidParameter("id"), tenantId: tenantId)
            let credentials = try? await devices.credentials(deviceId: device.id, tenantId: tenantId)
            return try JSONBody.response(DeviceDTO(info: DeviceListing(device: device, credentialsType: credentials?.type, provisionState: nil)))
        }
        router.delete("/api/device/:id") { _, context in
            let (id, tenantId) = (try context.uuidParameter("id"), try context.requireTenant())
            let device = try await devices.device(id: id, tenantId: tenantId)
            try await devices.delete(id: id, tenantId: tenantId)
            auditor.record(.deviceDeleted, by: try context.actor(), on: .device(device))
            return JSONBody.empty()
        }
        router.get("/api/tenant/device") { request, context in
            try await byName(request, context)
        }
        router.get("/api/tenant/devices") { request, context in
            if request.query("deviceName") != nil { return try await byName(request, context) }
            let tenantId = try context.requireTenant()
            let page = try await list(request, tenantId: tenantId)
            return try JSONBody.response(PageDataDTO(page) { DeviceDTO($0.device) })
        }
        router.get("/api/tenant/deviceInfos") { request, context in
            let tenantId = try context.requireTenant()
            let page = try await list(request, tenantId: tenantId)
            let active = try await devices.activity(of: page.data, tenantId: tenantId)
            let listed = Page(
                data: Array(zip(page.data, active)), totalElements: page.totalElements, pageSize: page.pageSize,
                page: page.page)
            return try JSONBody.response(PageDataDTO(listed) { DeviceDTO(info: $0.0, active: $0.1) })
        }
        router.get("/api/device/:id/credentials") { _, context in
            let (id, tenantId) = (try context.uuidParameter("id"), try context.requireTenant())
            let device = try await devices.device(id: id, tenantId: tenantId)
            let credentials = try await devices.credentials(deviceId: id, tenantId: tenantId)
            auditor.record(
                .credentialsRead, by: try context.actor(), on: .device(device), details: credentials.type.rawValue)
            return try JSONBody.response(CredentialsDTO(credentials))
        }
        router.post("/api/device/credentials") { request, context in
            let tenantId = try context.requireTenant()
            let body = try await JSONBody.decode(CredentialsDTO.self, from: request, limit: bodyLimit)
            guard let deviceId = try body.deviceId?.uuid(field: "deviceId") else {
                throw AdminError.invalidField(field: "deviceId", reason: "must be specified")
            }
            let device = try await devices.device(id: deviceId, tenantId: tenantId)
            let credentials = try await devices.updateCredentials(deviceId: deviceId, try body.draft(), tenantId: tenantId)
            auditor.record(
                .credentialsUpdated, by: try context.actor(), on: .device(device), details: credentials.type.rawValue)
            return try JSONBody.response(CredentialsDTO(credentials))
        }
    }

    private func byName(_ request: Request, _ context: MusterRequestContext) async throws -> Response {
        guard let name = request.query("deviceName") else {
            throw RequestError.invalidParameter(name: "deviceName", reason: "is required")
        }
        return try JSONBody.response(DeviceDTO(try await devices.device(name: name, tenantId: try context.requireTenant())))
    }

    private func list(_ request: Request, tenantId: UUID) async throws -> Page<DeviceListing> {
        var profileId = try request.queryUUID("deviceProfileId")
        if profileId == nil, let type = request.query("type"), !type.isEmpty {
            guard let profile = try? await devices.profileNamed(type, tenantId: tenantId) else {
                let link = try request.pageLink()
                return Page(data: [], totalElements: 0, pageSize: link.pageSize, page: link.page)
            }
            profileId = profile.id
        }
        return try await devices.devices(tenantId: tenantId, profileId: profileId, try request.pageLink())
    }
}
