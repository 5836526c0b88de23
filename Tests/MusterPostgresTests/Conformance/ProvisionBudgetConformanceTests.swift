import Foundation
import MusterCore
import Testing

/// A provision key's budget on every store: at most `budget` devices are ever created through it, concurrent
/// plans included (SQLite's group commit, PostgreSQL's own transactions), with nothing of a refused plan written.
@Suite struct ProvisionBudgetConformanceTests {
    typealias P = ProvisioningConformanceTests

    private static func budgeted(_ number: Int, _ name: String, profile: DeviceProfile, budget: Int, token: String? = nil)
        throws -> ProvisionedDevicePlan
    {
        var plan = try P.plan(number, name, profile: profile, token: token)
        plan.budget = budget
        return plan
    }

    @Test(arguments: StoreKind.allCases)
    func theBudgetIsCountedAndEnforcedWithNothingOfARefusedPlanWritten(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await P.seed(store)
            #expect(try await store.devicesCreatedThroughKey(profileId: profile.id) == 0)
            // Without a budget nothing is counted.
            #expect(try await store.createProvisionedDevice(P.plan(19, "free", profile: profile)) == .created)
            #expect(try await store.devicesCreatedThroughKey(profileId: profile.id) == 0)
            #expect(try await store.createProvisionedDevice(Self.budgeted(20, "a", profile: profile, budget: 2)) == .created)
            #expect(try await store.createProvisionedDevice(Self.budgeted(21, "b", profile: profile, budget: 2)) == .created)
            let over = try Self.budgeted(22, "c", profile: profile, budget: 2)
            #expect(try await store.createProvisionedDevice(over) == .budgetExhausted)
            #expect(try await store.device(name: "c", tenantId: profile.tenantId) == nil)
            #expect(try await store.attributes(entityId: over.device.id, scope: .server, keys: nil).isEmpty)
            // A taken name is reported as such, before the budget.
            #expect(try await store.createProvisionedDevice(Self.budgeted(23, "a", profile: profile, budget: 2)) == .nameTaken)
            #expect(try await store.devicesCreatedThroughKey(profileId: profile.id) == 2)
            // A raised budget admits more; zero admits none.
            #expect(try await store.createProvisionedDevice(Self.budgeted(24, "c", profile: profile, budget: 3)) == .created)
            #expect(try await store.createProvisionedDevice(Self.budgeted(25, "d", profile: profile, budget: 0)) == .budgetExhausted)
            #expect(try await store.devicesCreatedThroughKey(profileId: profile.id) == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentPlansNeverExceedTheBudget(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await P.seed(store)
            let plans = try (0..<24).map { try Self.budgeted(30 + $0, "dev-\($0)", profile: profile, budget: 5) }
            let results = try await withThrowingTaskGroup(of: ProvisionedDeviceCreation.self) { group in
                for plan in plans { group.addTask { try await store.createProvisionedDevice(plan) } }
                return try await group.reduce(into: [ProvisionedDeviceCreation]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == .created }.count == 5)
            #expect(results.filter { $0 == .budgetExhausted }.count == 19)
            let page = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 50, page: 0))
            #expect(page.totalElements == 5)
            #expect(try await store.devicesCreatedThroughKey(profileId: profile.id) == 5)
        }
    }
}
