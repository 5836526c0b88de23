import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStoreDirectoryTests {
    @Test func tenantsRoundTripAndPage() async throws {
        try await withStore { store in
            let tenants = (0..<5).map {
                Tenant(id: Make.id(Int64($0)), title: "Tenant \($0)", createdTime: Make.now + Int64($0))
            }
            for tenant in tenants { try await store.insertTenant(tenant) }

            #expect(try await store.tenant(id: tenants[2].id) == tenants[2])
            #expect(try await store.tenant(id: Make.id()) == nil)
            let page = try await store.tenants(PageLink(pageSize: 2, page: 0))
            #expect(page.totalElements == 5)
            #expect(page.data == [tenants[4], tenants[3]])
            let search = try await store.tenants(PageLink(pageSize: 10, page: 0, textSearch: "tenant 3"))
            #expect(search.data == [tenants[3]])
            #expect(search.totalElements == 1)
        }
    }

    @Test func usersRoundTripWithCaseInsensitiveEmail() async throws {
        try await withStore { store in
            #expect(try await store.hasUsers() == false)
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            let user = User(
                id: Make.id(), tenantId: tenant.id, email: "Admin@Example.com", authority: .tenantAdmin,
                firstName: "Ada", lastName: nil, createdTime: Make.now, passwordHash: "hash"
            )
            #expect(try await store.insertUser(user))
            #expect(try await store.hasUsers())
            #expect(try await store.user(email: "admin@example.COM") == user)
            #expect(try await store.user(id: user.id) == user)

            // Given the same address in other case, when inserted, then it is refused and nothing is written.
            var twin = user
            twin.id = Make.id(1)
            twin.email = "ADMIN@example.com"
            #expect(try await store.insertUser(twin) == false)
            #expect(try await store.count("users") == 1)

            try await store.updatePasswordHash(userId: user.id, hash: "new-hash")
            #expect(try await store.user(id: user.id)?.passwordHash == "new-hash")

            let sysadmin = User(
                id: Make.id(2), tenantId: nil, email: "root@x", authority: .systemAdmin, createdTime: 1,
                passwordHash: "")
            #expect(try await store.insertUser(sysadmin))
            #expect(try await store.user(email: "root@x") == sysadmin)
        }
    }

    @Test func settingInsertsOnceThenReturnsTheStoredValue() async throws {
        try await withStore { store in
            let first = try await store.setting("jwt.key", orInsert: { "first" })
            let second = try await store.setting("jwt.key", orInsert: { "second" })
            #expect(first == "first")
            #expect(second == "first")
        }
    }

    @Test func concurrentFirstSettingCallsAgree() async throws {
        try await withStore { store in
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask { try await store.setting("install.id", orInsert: { "v\(index)" }) }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(values.count == 1)
        }
    }
}
