import Foundation
import MusterCore
import Testing

/// ``DirectoryStore`` on every store: tenants, users, settings.
@Suite struct DirectoryConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func tenantsRoundTripPageAndSearch(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tenants = (0..<5).map {
                Tenant(id: Fixed.id($0), title: "Tenant \($0)", createdTime: Fixed.now + Int64($0))
            }
            for tenant in tenants.shuffled() { try await store.insertTenant(tenant) }

            #expect(try await store.tenant(id: tenants[2].id) == tenants[2])
            #expect(try await store.tenant(id: Fixed.id(99)) == nil)
            let first = try await store.tenants(PageLink(pageSize: 2, page: 0))
            #expect(first.totalElements == 5)
            #expect(first.data == [tenants[4], tenants[3]])
            let last = try await store.tenants(PageLink(pageSize: 2, page: 2))
            #expect(last.data == [tenants[0]])
            #expect(!last.hasNext)
            let search = try await store.tenants(PageLink(pageSize: 10, page: 0, textSearch: "TENANT 3"))
            #expect(search.data == [tenants[3]])
            #expect(search.totalElements == 1)
            let beyond = try await store.tenants(PageLink(pageSize: 10, page: Int.max))
            #expect(beyond.data.isEmpty && beyond.totalElements == 5)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tenantsSortByFoldedTitleThenId(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            // Same created time and titles differing in case only: the folded title, then the id, decide.
            let tenants = [
                Tenant(id: Fixed.id(3), title: "beta", createdTime: Fixed.now),
                Tenant(id: Fixed.id(1), title: "Alpha", createdTime: Fixed.now),
                Tenant(id: Fixed.id(2), title: "alpha", createdTime: Fixed.now),
                Tenant(id: Fixed.id(4), title: "Émile", createdTime: Fixed.now),
                Tenant(id: Fixed.id(5), title: "zeta", createdTime: Fixed.now),
            ]
            for tenant in tenants { try await store.insertTenant(tenant) }
            let ascending = try await store.tenants(PageLink(pageSize: 10, page: 0, sortProperty: .name, ascending: true))
            #expect(ascending.data.map(\.id) == [1, 2, 3, 5, 4].map(Fixed.id))
            let descending = try await store.tenants(PageLink(pageSize: 10, page: 0, sortProperty: .name))
            #expect(descending.data.map(\.id) == [4, 5, 3, 2, 1].map(Fixed.id))
            let byTime = try await store.tenants(PageLink(pageSize: 10, page: 0, ascending: true))
            #expect(byTime.data.map(\.id) == [1, 2, 3, 4, 5].map(Fixed.id))
            let accented = try await store.tenants(PageLink(pageSize: 10, page: 0, textSearch: "éMI"))
            #expect(accented.data.map(\.id) == [Fixed.id(4)])
            let prefix = try await store.tenants(
                PageLink(pageSize: 1, page: 1, textSearch: "ALP", sortProperty: .name, ascending: true))
            #expect(prefix.data.map(\.id) == [Fixed.id(2)] && prefix.totalElements == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func usersRoundTripWithCaseInsensitiveEmail(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.hasUsers() == false)
            let tenant = Tenant(id: Fixed.id(1), title: "T", createdTime: Fixed.now)
            try await store.insertTenant(tenant)
            let user = User(
                id: Fixed.id(10), tenantId: tenant.id, email: "Admin@Example.com", authority: .tenantAdmin,
                firstName: "Ada", lastName: nil, createdTime: Fixed.now, passwordHash: "hash")
            #expect(try await store.insertUser(user))
            #expect(try await store.hasUsers())
            #expect(try await store.user(email: "admin@example.COM") == user)
            #expect(try await store.user(id: user.id) == user)
            #expect(try await store.user(email: "nobody@example.com") == nil)

            // The same address in other case is refused, and nothing is written.
            var twin = user
            twin.id = Fixed.id(11)
            twin.email = "ADMIN@example.com"
            #expect(try await store.insertUser(twin) == false)
            #expect(try await store.user(id: twin.id) == nil)

            try await store.updatePasswordHash(userId: user.id, hash: "new-hash")
            #expect(try await store.user(id: user.id)?.passwordHash == "new-hash")
            try await store.updatePasswordHash(userId: Fixed.id(99), hash: "x")

            let sysadmin = User(
                id: Fixed.id(12), tenantId: nil, email: "root@x", authority: .systemAdmin, createdTime: 1,
                passwordHash: "")
            #expect(try await store.insertUser(sysadmin))
            #expect(try await store.user(email: "root@x") == sysadmin)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTakenTenantIdIsAnError(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tenant = Tenant(id: Fixed.id(1), title: "T", createdTime: Fixed.now)
            try await store.insertTenant(tenant)
            await #expect(throws: (any Error).self) { try await store.insertTenant(tenant) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func settingInsertsOnceAndConcurrentFirstCallsAgree(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.setting("jwt.key", orInsert: { "first" }) == "first")
            #expect(try await store.setting("jwt.key", orInsert: { "second" }) == "first")
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
