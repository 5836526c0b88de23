import MusterCore
import MusterTestSupport
import Testing

/// Page totals come from counters kept by triggers; they must follow every insert, delete, profile change and
/// import, and a name search counts its matches instead.
@Suite struct EntityCountsTests {
    @Test func totalsFollowInsertsDeletesAndProfileChanges() async throws {
        let fixture = try await CoreFixture.make()
        let tenant = fixture.tenant.id
        let first = try await fixture.makeProfile(.disabled, key: "k1")
        let second = try await fixture.makeProfile(.disabled, key: "k2")
        var devices: [Device] = []
        for index in 0..<5 {
            devices.append(try await fixture.devices.save(EntityDraft(name: "dev-\(index)", profileId: first.id), tenantId: tenant))
        }
        func total(_ profile: DeviceProfile? = nil, search: String? = nil) async throws -> Int {
            try await fixture.store.devices(tenantId: tenant, profileId: profile?.id, PageLink(pageSize: 2, page: 0, textSearch: search))
                .totalElements
        }
        #expect(try await total() == 5)
        #expect(try await total(first) == 5)
        #expect(try await total(second) == 0)

        var moved = EntityDraft(id: devices[0].id, name: devices[0].name, profileId: second.id)
        moved.label = "moved"
        _ = try await fixture.devices.save(moved, tenantId: tenant)
        #expect(try await total(first) == 4)
        #expect(try await total(second) == 1)

        try await fixture.devices.delete(id: devices[1].id, tenantId: tenant)
        #expect(try await total() == 4)
        #expect(try await total(first) == 3)
        #expect(try await total(search: "DEV-") == 4)
        #expect(try await total(search: "dev-4") == 1)

        let other = try await fixture.tenants.createTenant(title: "Tenant B")
        _ = try await fixture.devices.save(EntityDraft(name: "dev-x"), tenantId: other.id)
        #expect(try await total() == 4)
    }
}
