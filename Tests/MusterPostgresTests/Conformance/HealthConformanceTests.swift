import MusterCore
import Testing

/// ``HealthCheckStore`` on every store: an open store answers its check.
@Suite struct HealthConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func anOpenStoreIsHealthy(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.checkHealth()
        }
    }
}
