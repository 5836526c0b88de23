import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStoreProfilesTests {
    @Test func deviceProfileRoundTrips() async throws {
        try await withStore { store in
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            let profile = DeviceProfile(
                id: Make.id(), tenantId: tenant.id, name: "Thermostat", description: "Heats", isDefault: true,
                transportType: "MQTT", provisionType: .checkPreProvisionedDevices, provisionDeviceKey: "key-1",
                provisionConfiguration: ProvisionConfiguration(
                    type: .checkPreProvisionedDevices, provisionDeviceSecret: "s3cret",
                    certificateRegExPattern: "CN=(.*)", allowCreateNewDevicesByX509Certificate: true,
                    reprovision: .reject
                ),
                profileData: .object([
                    "configuration": .object(["type": .string("DEFAULT")]),
                    "alarms": .array([.number("1.0"), .null, .string("é\"\n")]),
                ]),
                createdTime: Make.now, version: 1
            )
            #expect(try await store.saveDeviceProfile(profile) == .saved)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: tenant.id) == profile)
            #expect(try await store.deviceProfile(name: "Thermostat", tenantId: tenant.id) == profile)
            #expect(try await store.defaultDeviceProfile(tenantId: tenant.id) == profile)
            #expect(try await store.deviceProfile(provisionKey: "key-1") == profile)
            #expect(try await store.deviceProfile(provisionKey: "KEY-1") == nil)

            // When saved again by id, then it is replaced, keeping its creation time and bumping the version.
            var renamed = profile
            renamed.name = "Thermostat 2"
            renamed.provisionDeviceKey = nil
            #expect(try await store.saveDeviceProfile(renamed) == .saved)
            let stored = try #require(try await store.deviceProfile(id: profile.id, tenantId: tenant.id))
            #expect(stored.name == "Thermostat 2")
            #expect(stored.provisionDeviceKey == nil)
            #expect(stored.version == 2)
            #expect(try await store.deviceProfile(provisionKey: "key-1") == nil)
        }
    }

    @Test func uniquenessIsReportedWithNothingWritten() async throws {
        try await withStore { store in
            let first = try await store.seedProfile(key: "shared-key")
            let other = Make.tenant("Other")
            try await store.insertTenant(other)

            var sameName = Make.deviceProfile(tenantId: first.tenantId, name: first.name)
            #expect(try await store.saveDeviceProfile(sameName) == .nameTaken)
            sameName.tenantId = other.id
            #expect(try await store.saveDeviceProfile(sameName) == .saved)

            let sameKey = Make.deviceProfile(tenantId: other.id, key: "shared-key")
            #expect(try await store.saveDeviceProfile(sameKey) == .provisionKeyTaken)
            #expect(try await store.count("device_profiles") == 2)

            // Several profiles without a key are fine (NULLs are distinct).
            #expect(try await store.saveDeviceProfile(Make.deviceProfile(tenantId: other.id)) == .saved)
        }
    }

    @Test func aDefaultProfileIsTheTenantsOnlyDefault() async throws {
        try await withStore { store in
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            let first = Make.deviceProfile(tenantId: tenant.id, isDefault: true)
            let second = Make.deviceProfile(tenantId: tenant.id, isDefault: true)
            #expect(try await store.saveDeviceProfile(first) == .saved)
            #expect(try await store.saveDeviceProfile(second) == .saved)
            #expect(try await store.defaultDeviceProfile(tenantId: tenant.id)?.id == second.id)
            #expect(try await store.deviceProfile(id: first.id, tenantId: tenant.id)?.isDefault == false)

            #expect(try await store.setDefaultDeviceProfile(id: first.id, tenantId: tenant.id))
            #expect(try await store.defaultDeviceProfile(tenantId: tenant.id)?.id == first.id)
            // A foreign or unknown id changes nothing.
            #expect(try await store.setDefaultDeviceProfile(id: second.id, tenantId: Make.id()) == false)
            #expect(try await store.setDefaultDeviceProfile(id: Make.id(), tenantId: tenant.id) == false)
            #expect(try await store.defaultDeviceProfile(tenantId: tenant.id)?.id == first.id)
        }
    }

    @Test func deleteRefusesAProfileInUseAndForeignIds() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            try await store.seedDevice(Make.device("d1", profile: profile))

            #expect(try await store.deleteDeviceProfile(id: profile.id, tenantId: Make.id()) == .notFound)
            #expect(try await store.deleteDeviceProfile(id: profile.id, tenantId: profile.tenantId) == .inUse)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: profile.tenantId) != nil)

            let device = try #require(try await store.device(name: "d1", tenantId: profile.tenantId))
            #expect(try await store.deleteDevice(id: device.id, tenantId: profile.tenantId))
            #expect(try await store.deleteDeviceProfile(id: profile.id, tenantId: profile.tenantId) == .deleted)
            #expect(try await store.deleteDeviceProfile(id: profile.id, tenantId: profile.tenantId) == .notFound)
        }
    }

    @Test func saveCannotTakeOverAnotherTenantsProfile() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            var hijack = profile
            hijack.tenantId = Make.id()
            hijack.name = "mine now"
            await #expect(throws: SQLiteStoreError.idOwnedByAnotherTenant(table: "device_profiles")) {
                try await store.saveDeviceProfile(hijack)
            }
            #expect(try await store.deviceProfile(id: profile.id, tenantId: profile.tenantId) == profile)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: hijack.tenantId) == nil)
        }
    }

    @Test func renamingAProfileRenamesItsDevicesType() async throws {
        try await withStore { store in
            var profile = try await store.seedProfile()
            let device = Make.device("d1", profile: profile)
            try await store.seedDevice(device)
            profile.name = "Renamed"
            #expect(try await store.saveDeviceProfile(profile) == .saved)
            #expect(try await store.device(id: device.id, tenantId: profile.tenantId)?.type == "Renamed")
        }
    }

    @Test func assetProfilesRoundTripAndRefuseDuplicates() async throws {
        try await withStore { store in
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            let profile = AssetProfile(
                id: Make.id(), tenantId: tenant.id, name: "Building", description: nil, isDefault: true,
                createdTime: Make.now)
            #expect(try await store.saveAssetProfile(profile) == .saved)
            #expect(try await store.assetProfile(id: profile.id, tenantId: tenant.id) == profile)
            #expect(try await store.assetProfile(name: "Building", tenantId: tenant.id) == profile)
            #expect(try await store.defaultAssetProfile(tenantId: tenant.id) == profile)
            #expect(try await store.assetProfile(id: profile.id, tenantId: Make.id()) == nil)
            #expect(
                try await store.saveAssetProfile(Make.assetProfile(tenantId: tenant.id, name: "Building")) == .nameTaken
            )

            let asset = Make.asset("HQ", profile: profile)
            #expect(try await store.insertAsset(asset) == .saved)
            #expect(try await store.deleteAssetProfile(id: profile.id, tenantId: tenant.id) == .inUse)
            #expect(try await store.deleteAsset(id: asset.id, tenantId: tenant.id))
            #expect(try await store.deleteAssetProfile(id: profile.id, tenantId: Make.id()) == .notFound)
            #expect(try await store.deleteAssetProfile(id: profile.id, tenantId: tenant.id) == .deleted)
        }
    }

    @Test func profilePagesFilterByPrefixAndCount() async throws {
        try await withStore { store in
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            for name in ["Alpha", "alpine", "Beta", "gamma"] {
                #expect(
                    try await store.saveDeviceProfile(Make.deviceProfile(tenantId: tenant.id, name: name)) == .saved)
                #expect(try await store.saveAssetProfile(Make.assetProfile(tenantId: tenant.id, name: name)) == .saved)
            }
            let link = PageLink(pageSize: 10, page: 0, textSearch: "ALP", sortProperty: .name, ascending: true)
            let devicePage = try await store.deviceProfiles(tenantId: tenant.id, link)
            #expect(devicePage.data.map(\.name) == ["Alpha", "alpine"])
            #expect(devicePage.totalElements == 2)
            let assetPage = try await store.assetProfiles(
                tenantId: tenant.id, PageLink(pageSize: 3, page: 1, sortProperty: .name, ascending: false))
            #expect(assetPage.data.map(\.name) == ["Alpha"])
            #expect(assetPage.totalElements == 4)
            #expect(try await store.deviceProfiles(tenantId: Make.id(), link).totalElements == 0)
        }
    }
}
