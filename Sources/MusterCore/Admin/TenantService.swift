import Foundation

/// Tenants and their administrators (system-admin work), and the first start of an empty installation.
package struct TenantService: Sendable {
    fileprivate let directory: any DirectoryStore
    private let profiles: any ProfileStore
    private let clock: any WallClock

    package init(directory: any DirectoryStore, profiles: any ProfileStore, clock: any WallClock) {
        self.directory = directory
        self.profiles = profiles
        self.clock = clock
    }

    /// Creates a tenant with its default device and asset profiles.
    package func createTenant(title: String) async throws -> Tenant {
        try EntityName.validateOrThrow(title, kind: .tenant)
        let now = clock.nowMilliseconds()
        let tenant = Tenant(id: EntityIdentifier.make(at: now), title: title, createdTime: now)
        try await directory.insertTenant(tenant)
        let deviceProfile = DeviceProfile(
            id: EntityIdentifier.make(at: now), tenantId: tenant.id, name: "default", description: "Default device profile",
            isDefault: true, createdTime: now
        )
        _ = try await profiles.saveDeviceProfile(deviceProfile)
        let assetProfile = AssetProfile(
            id: EntityIdentifier.make(at: now), tenantId: tenant.id, name: "default", isDefault: true, createdTime: now
        )
        _ = try await profiles.saveAssetProfile(assetProfile)
        return tenant
    }

    package func tenant(id: UUID) async throws -> Tenant {
        guard let tenant = try await directory.tenant(id: id) else { throw AdminError.notFound(.tenant, id) }
        return tenant
    }

    package func tenants(_ page: PageLink) async throws -> Page<Tenant> {
        try await directory.tenants(page)
    }

    /// Creates a user; a tenant admin needs an existing tenant.
    package func createUser(
        email: String, authority: Authority, tenantId: UUID?, firstName: String?, lastName: String?, password: String?
    ) async throws -> User {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains("@"), trimmed.count <= 255, !trimmed.contains(where: { $0.isWhitespace }) else {
            throw AdminError.invalidField(field: "email", reason: "must be a valid email address")
        }
        if authority == .tenantAdmin {
            guard let tenantId, try await directory.tenant(id: tenantId) != nil else { throw AdminError.notFound(.tenant, tenantId) }
        }
        if let password, password.count < 8 {
            throw AdminError.invalidField(field: "password", reason: "must have at least 8 characters")
        }
        let now = clock.nowMilliseconds()
        var passwordHash = ""
        if let password { passwordHash = await onBackgroundThreads { PasswordHasher.hash(password) } }
        let user = User(
            id: EntityIdentifier.make(at: now), tenantId: authority == .tenantAdmin ? tenantId : nil, email: trimmed,
            authority: authority, firstName: firstName, lastName: lastName, createdTime: now,
            passwordHash: passwordHash
        )
        guard try await directory.insertUser(user) else { throw AdminError.emailTaken }
        return user
    }

    /// Sets a user's password.
    package func setPassword(userId: UUID, password: String) async throws {
        guard password.count >= 8 else { throw AdminError.invalidField(field: "password", reason: "must have at least 8 characters") }
        guard try await directory.user(id: userId) != nil else { throw AdminError.notFound(.user, userId) }
        let hash = await onBackgroundThreads { PasswordHasher.hash(password) }
        try await directory.updatePasswordHash(userId: userId, hash: hash)
    }

    /// On the first start of an empty installation: a system admin, a default tenant and its administrator.
    /// - Parameters:
    ///   - adminEmail: The tenant admin's email (generated default when `nil`).
    ///   - adminPassword: Its password (generated when `nil`).
    /// - Returns: The logins created, or `nil` when the installation already had users.
    package func bootstrapIfEmpty(adminEmail: String?, adminPassword: String?) async throws -> BootstrapLogins? {
        guard try await !directory.hasUsers() else { return nil }
        let tenant = try await createTenant(title: "Default")
        let email = adminEmail ?? "tenant@muster.local"
        let password = adminPassword ?? SecureRandom.alphanumeric(16)
        _ = try await createUser(email: email, authority: .tenantAdmin, tenantId: tenant.id, firstName: nil, lastName: nil, password: password)
        let systemPassword = SecureRandom.alphanumeric(16)
        _ = try await createUser(
            email: "sysadmin@muster.local", authority: .systemAdmin, tenantId: nil, firstName: nil, lastName: nil,
            password: systemPassword
        )
        return BootstrapLogins(
            tenantAdminEmail: email, tenantAdminPassword: adminPassword == nil ? password : nil,
            systemAdminEmail: "sysadmin@muster.local", systemAdminPassword: systemPassword
        )
    }
}

/// The logins created on the first start. A password given by the operator is not repeated back (`nil`).
package struct BootstrapLogins: Sendable, Hashable {
    package var tenantAdminEmail: String
    package var tenantAdminPassword: String?
    package var systemAdminEmail: String
    package var systemAdminPassword: String
}

extension TenantService {
    /// The user `id`.
    package func user(id: UUID) async throws -> User {
        guard let user = try await directory.user(id: id) else { throw AdminError.notFound(.user, id) }
        return user
    }

    /// The admins of tenant `id`, by e-mail (at most 1,000).
    /// - Throws: ``AdminError/notFound(_:_:)`` for an unknown tenant.
    package func users(tenantId id: UUID) async throws -> [User] {
        _ = try await tenant(id: id)
        return try await directory.users(tenantId: id)
    }
}
