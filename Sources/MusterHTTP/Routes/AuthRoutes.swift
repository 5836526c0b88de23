import Hummingbird
import MusterCore

/// `POST /api/auth/login` and `POST /api/auth/token` (no authentication needed).
struct AuthRoutes {
    let auth: AuthService
    let bodyLimit: Int

    func register(on router: Router<MusterRequestContext>) {
        router.post("/api/auth/login") { request, context in
            let body = try await JSONBody.decode(LoginRequestDTO.self, from: request, limit: bodyLimit)
            guard let username = body.username, let password = body.password, !username.isEmpty, !password.isEmpty else {
                throw ThingsBoardError(.unauthorized, "Authentication failed: username and password are required", code: .authentication)
            }
            return try JSONBody.response(TokenPairDTO(try await auth.login(email: username, password: password, sourceAddress: context.sourceAddress)))
        }
        router.post("/api/auth/token") { request, _ in
            let body = try await JSONBody.decode(RefreshRequestDTO.self, from: request, limit: bodyLimit)
            guard let refreshToken = body.refreshToken else { throw RequestError.invalidBody("missing field 'refreshToken'") }
            return try JSONBody.response(TokenPairDTO(try await auth.refresh(refreshToken)))
        }
    }
}

/// The current user, tenants and users (system admin).
struct AccountRoutes {
    let tenants: TenantService
    let auditor: AdminAuditor
    let bodyLimit: Int

    func register(on router: RouterGroup<MusterRequestContext>) {
        router.get("/api/auth/user") { _, context in
            try JSONBody.response(UserDTO(try await tenants.user(id: try context.requirePrincipal().userId)))
        }
        router.post("/api/tenant") { request, context in
            try context.requirePrincipal().requireSystemAdmin()
            let body = try await JSONBody.decode(TenantDTO.self, from: request, limit: bodyLimit)
            guard body.id == nil else { throw RequestError.invalidParameter(name: "id", reason: "changing tenants is not supported") }
            let tenant = try await tenants.createTenant(title: body.title)
            auditor.record(
                .tenantCreated, by: try context.actor(),
                on: .init(tenantId: tenant.id, entityId: tenant.id, entityName: tenant.title))
            return try JSONBody.response(TenantDTO(tenant))
        }
        router.get("/api/tenant/:tenantId") { _, context in
            try context.requirePrincipal().requireSystemAdmin()
            return try JSONBody.response(TenantDTO(try await tenants.tenant(id: try context.uuidParameter("tenantId"))))
        }
        // ThingsBoard's list of a tenant's users (its admins here), paged in memory: a tenant has few.
        router.get("/api/tenant/:tenantId/users") { request, context in
            try context.requirePrincipal().requireSystemAdmin()
            let users = try await tenants.users(tenantId: try context.uuidParameter("tenantId"))
            let link = try request.pageLink()
            let start = min(users.count, link.page * link.pageSize)
            let page = Page(
                data: Array(users[start..<min(users.count, start + link.pageSize)]), totalElements: users.count,
                pageSize: link.pageSize, page: link.page)
            return try JSONBody.response(PageDataDTO(page, UserDTO.init))
        }
        router.get("/api/tenants") { request, context in
            try context.requirePrincipal().requireSystemAdmin()
            return try JSONBody.response(PageDataDTO(try await tenants.tenants(try request.pageLink()), TenantDTO.init))
        }
        router.post("/api/user") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(UserDTO.self, from: request, limit: bodyLimit)
            var tenantId = try body.tenantId?.uuid(field: "tenantId")
            switch principal.authority {
            case .systemAdmin:
                guard body.authority == .tenantAdmin || body.authority == .systemAdmin else { throw AdminError.forbidden }
            case .tenantAdmin:
                guard body.authority == .tenantAdmin else { throw AdminError.forbidden }
                tenantId = principal.tenantId
            }
            let user = try await tenants.createUser(
                email: body.email, authority: body.authority, tenantId: tenantId, firstName: body.firstName,
                lastName: body.lastName, password: body.password
            )
            auditor.record(
                .userCreated, by: try context.actor(),
                on: .init(tenantId: user.tenantId, entityId: user.id, entityName: user.email),
                details: user.authority.rawValue)
            return try JSONBody.response(UserDTO(user))
        }
        router.post("/api/user/:userId/password") { request, context in
            let principal = try context.requirePrincipal()
            let userId = try context.uuidParameter("userId")
            let target = try await tenants.user(id: userId)
            let allowed = principal.authority == .systemAdmin || principal.userId == userId
                || (principal.authority == .tenantAdmin && target.tenantId == principal.tenantId)
            guard allowed else { throw AdminError.notFound(.user, userId) }
            let body = try await JSONBody.decode(PasswordDTO.self, from: request, limit: bodyLimit)
            try await tenants.setPassword(userId: userId, password: body.password)
            return JSONBody.empty()
        }
    }
}
