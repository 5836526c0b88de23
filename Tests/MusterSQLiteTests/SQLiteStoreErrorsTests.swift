import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

/// The exact ``SQLiteStoreError`` values the SQLite store throws where the ports only promise "an error"
/// (the behaviour itself, on both stores, is in the conformance suite of `MusterPostgresTests`).
@Suite struct SQLiteStoreErrorsTests {
    @Test func takingOverAnotherTenantsProfileIsIdOwnedByAnotherTenant() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            var hijack = profile
            hijack.tenantId = Make.id()
            hijack.name = "mine now"
            await #expect(throws: SQLiteStoreError.idOwnedByAnotherTenant(table: "device_profiles")) {
                try await store.saveDeviceProfile(hijack)
            }
            #expect(try await store.deviceProfile(id: profile.id, tenantId: profile.tenantId) == profile)
        }
    }

    @Test func markingAnUnknownDeviceIsDeviceNotFound() async throws {
        try await withStore { store in
            _ = try await store.seedProfile(key: "pk")
            await #expect(throws: SQLiteStoreError.deviceNotFound) {
                try await store.markProvisioned(deviceId: Make.id(), at: 1)
            }
            #expect(try await store.count("attributes") == 0)
        }
    }
}
