import Foundation
import MusterCore
import Testing

/// ``ProfileStore`` on every store: round trips, the uniqueness results, one default per tenant, paging, deletes.
@Suite struct ProfileConformanceTests {
    static func deviceProfile(
        _ number: Int, tenantId: UUID, name: String? = nil, key: String? = nil, isDefault: Bool = false
    ) -> DeviceProfile {
        let name = name ?? "profile-\(number)"
        return DeviceProfile(
            id: Fixed.id(number), tenantId: tenantId, name: name, description: "about \(name)", isDefault: isDefault,
            transportType: "MQTT", provisionType: key == nil ? .disabled : .allowCreateNewDevices,
            provisionDeviceKey: key,
            provisionConfiguration: key == nil
                ? .disabled : ProvisionConfiguration(type: .allowCreateNewDevices, provisionDeviceSecret: "secret"),
            createdTime: Fixed.now + Int64(number))
    }

    static func assetProfile(_ number: Int, tenantId: UUID, name: String? = nil, isDefault: Bool = false)
        -> AssetProfile
    {
        AssetProfile(
            id: Fixed.id(number), tenantId: tenantId, name: name ?? "asset-profile-\(number)", description: nil,
            isDefault: isDefault, createdTime: Fixed.now + Int64(number))
    }

    static let tenant = Tenant(id: Fixed.id(1), title: "Tenant", createdTime: Fixed.now)
    static let other = Tenant(id: Fixed.id(2), title: "Other", createdTime: Fixed.now)

    @Test(arguments: StoreKind.allCases)
    func deviceProfileRoundTripsAndReplaces(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            let profile = DeviceProfile(
                id: Fixed.id(10), tenantId: Self.tenant.id, name: "Thermostat", description: "Heats", isDefault: true,
                transportType: "MQTT", provisionType: .checkPreProvisionedDevices, provisionDeviceKey: "key-1",
                provisionConfiguration: ProvisionConfiguration(
                    type: .checkPreProvisionedDevices, provisionDeviceSecret: "s3cret",
                    certificateRegExPattern: "CN=(.*)", allowCreateNewDevicesByX509Certificate: true,
                    reprovision: .reject),
                profileData: .object([
                    "configuration": .object(["type": .string("DEFAULT")]),
                    "alarms": .array([.number("1.0"), .null, .string("é\"\n")]),
                ]),
                createdTime: Fixed.now, version: 1)
            #expect(try await store.saveDeviceProfile(profile) == .saved)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: Self.tenant.id) == profile)
            #expect(try await store.deviceProfile(name: "Thermostat", tenantId: Self.tenant.id) == profile)
            #expect(try await store.deviceProfile(name: "thermostat", tenantId: Self.tenant.id) == nil)
            #expect(try await store.defaultDeviceProfile(tenantId: Self.tenant.id) == profile)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: Self.other.id) == nil)
            #expect(try await store.deviceProfile(provisionKey: "key-1") == profile)
            #expect(try await store.deviceProfile(provisionKey: "KEY-1") == nil)

            // Saved again by id: replaced, keeping its creation time and bumping the version.
            var renamed = profile
            renamed.name = "Thermostat 2"
            renamed.provisionDeviceKey = nil
            renamed.createdTime = 1
            #expect(try await store.saveDeviceProfile(renamed) == .saved)
            let stored = try #require(try await store.deviceProfile(id: profile.id, tenantId: Self.tenant.id))
            #expect(stored.name == "Thermostat 2" && stored.provisionDeviceKey == nil)
            #expect(stored.version == 2 && stored.createdTime == Fixed.now)
            #expect(try await store.deviceProfile(provisionKey: "key-1") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func uniquenessIsReportedWithNothingWritten(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            try await store.insertTenant(Self.other)
            let first = Self.deviceProfile(10, tenantId: Self.tenant.id, key: "shared-key")
            #expect(try await store.saveDeviceProfile(first) == .saved)

            var sameName = Self.deviceProfile(11, tenantId: Self.tenant.id, name: first.name)
            #expect(try await store.saveDeviceProfile(sameName) == .nameTaken)
            #expect(try await store.deviceProfile(id: sameName.id, tenantId: Self.tenant.id) == nil)
            sameName.tenantId = Self.other.id
            #expect(try await store.saveDeviceProfile(sameName) == .saved)

            let sameKey = Self.deviceProfile(12, tenantId: Self.other.id, key: "shared-key")
            #expect(try await store.saveDeviceProfile(sameKey) == .provisionKeyTaken)
            #expect(try await store.deviceProfile(id: sameKey.id, tenantId: Self.other.id) == nil)
            // A default profile refused for its name leaves the old default alone.
            let oldDefault = Self.deviceProfile(13, tenantId: Self.other.id, isDefault: true)
            #expect(try await store.saveDeviceProfile(oldDefault) == .saved)
            let refused = Self.deviceProfile(14, tenantId: Self.other.id, name: first.name, isDefault: true)
            #expect(try await store.saveDeviceProfile(refused) == .nameTaken)
            #expect(try await store.defaultDeviceProfile(tenantId: Self.other.id)?.id == oldDefault.id)

            // Several profiles without a key are fine (NULLs are distinct).
            #expect(try await store.saveDeviceProfile(Self.deviceProfile(15, tenantId: Self.other.id)) == .saved)
            let page = try await store.deviceProfiles(tenantId: Self.other.id, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDefaultProfileIsTheTenantsOnlyDefault(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            let first = Self.deviceProfile(10, tenantId: Self.tenant.id, isDefault: true)
            let second = Self.deviceProfile(11, tenantId: Self.tenant.id, isDefault: true)
            #expect(try await store.saveDeviceProfile(first) == .saved)
            #expect(try await store.saveDeviceProfile(second) == .saved)
            #expect(try await store.defaultDeviceProfile(tenantId: Self.tenant.id)?.id == second.id)
            #expect(try await store.deviceProfile(id: first.id, tenantId: Self.tenant.id)?.isDefault == false)

            #expect(try await store.setDefaultDeviceProfile(id: first.id, tenantId: Self.tenant.id))
            #expect(try await store.defaultDeviceProfile(tenantId: Self.tenant.id)?.id == first.id)
            // A foreign or unknown id changes nothing.
            #expect(try await store.setDefaultDeviceProfile(id: second.id, tenantId: Self.other.id) == false)
            #expect(try await store.setDefaultDeviceProfile(id: Fixed.id(99), tenantId: Self.tenant.id) == false)
            #expect(try await store.defaultDeviceProfile(tenantId: Self.tenant.id)?.id == first.id)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentDefaultsLeaveExactlyOneDefault(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            let profiles = (10..<18).map { Self.deviceProfile($0, tenantId: Self.tenant.id, isDefault: true) }
            let results = try await withThrowingTaskGroup(of: ProfileWrite.self) { group in
                for profile in profiles { group.addTask { try await store.saveDeviceProfile(profile) } }
                return try await group.reduce(into: [ProfileWrite]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0 == .saved })
            let page = try await store.deviceProfiles(tenantId: Self.tenant.id, PageLink(pageSize: 20, page: 0))
            #expect(page.totalElements == profiles.count)
            #expect(page.data.filter(\.isDefault).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func saveCannotTakeOverAnotherTenantsProfile(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            let profile = Self.deviceProfile(10, tenantId: Self.tenant.id)
            #expect(try await store.saveDeviceProfile(profile) == .saved)
            var hijack = profile
            hijack.tenantId = Self.other.id
            hijack.name = "mine now"
            await #expect(throws: (any Error).self) { try await store.saveDeviceProfile(hijack) }
            #expect(try await store.deviceProfile(id: profile.id, tenantId: profile.tenantId) == profile)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: hijack.tenantId) == nil)

            let asset = Self.assetProfile(20, tenantId: Self.tenant.id)
            #expect(try await store.saveAssetProfile(asset) == .saved)
            var hijackAsset = asset
            hijackAsset.tenantId = Self.other.id
            await #expect(throws: (any Error).self) { try await store.saveAssetProfile(hijackAsset) }
            #expect(try await store.assetProfile(id: asset.id, tenantId: Self.tenant.id) == asset)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func assetProfilesRoundTripRefuseDuplicatesAndDelete(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            let profile = Self.assetProfile(10, tenantId: Self.tenant.id, name: "Building", isDefault: true)
            #expect(try await store.saveAssetProfile(profile) == .saved)
            #expect(try await store.assetProfile(id: profile.id, tenantId: Self.tenant.id) == profile)
            #expect(try await store.assetProfile(name: "Building", tenantId: Self.tenant.id) == profile)
            #expect(try await store.defaultAssetProfile(tenantId: Self.tenant.id) == profile)
            #expect(try await store.assetProfile(id: profile.id, tenantId: Self.other.id) == nil)
            let twin = Self.assetProfile(11, tenantId: Self.tenant.id, name: "Building")
            #expect(try await store.saveAssetProfile(twin) == .nameTaken)

            let next = Self.assetProfile(12, tenantId: Self.tenant.id, isDefault: true)
            #expect(try await store.saveAssetProfile(next) == .saved)
            #expect(try await store.defaultAssetProfile(tenantId: Self.tenant.id)?.id == next.id)
            var replaced = next
            replaced.name = "Renamed"
            #expect(try await store.saveAssetProfile(replaced) == .saved)
            #expect(try await store.assetProfile(id: next.id, tenantId: Self.tenant.id)?.version == 2)

            #expect(try await store.deleteAssetProfile(id: profile.id, tenantId: Self.other.id) == .notFound)
            #expect(try await store.deleteAssetProfile(id: profile.id, tenantId: Self.tenant.id) == .deleted)
            #expect(try await store.deleteAssetProfile(id: profile.id, tenantId: Self.tenant.id) == .notFound)
            let device = Self.deviceProfile(13, tenantId: Self.tenant.id)
            #expect(try await store.saveDeviceProfile(device) == .saved)
            #expect(try await store.deleteDeviceProfile(id: device.id, tenantId: Self.other.id) == .notFound)
            #expect(try await store.deleteDeviceProfile(id: device.id, tenantId: Self.tenant.id) == .deleted)
            #expect(try await store.deviceProfile(id: device.id, tenantId: Self.tenant.id) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func profilePagesFilterByPrefixSortAndCount(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.insertTenant(Self.tenant)
            for (index, name) in ["Alpha", "alpine", "Beta", "gamma"].enumerated() {
                var device = Self.deviceProfile(10 + index, tenantId: Self.tenant.id, name: name)
                device.transportType = index.isMultiple(of: 2) ? "MQTT" : "COAP"
                #expect(try await store.saveDeviceProfile(device) == .saved)
                #expect(try await store.saveAssetProfile(Self.assetProfile(20 + index, tenantId: Self.tenant.id, name: name)) == .saved)
            }
            let link = PageLink(pageSize: 10, page: 0, textSearch: "ALP", sortProperty: .name, ascending: true)
            let devicePage = try await store.deviceProfiles(tenantId: Self.tenant.id, link)
            #expect(devicePage.data.map(\.name) == ["Alpha", "alpine"])
            #expect(devicePage.totalElements == 2)
            let assetPage = try await store.assetProfiles(
                tenantId: Self.tenant.id, PageLink(pageSize: 3, page: 1, sortProperty: .name, ascending: false))
            #expect(assetPage.data.map(\.name) == ["Alpha"])
            #expect(assetPage.totalElements == 4)
            let byType = try await store.deviceProfiles(
                tenantId: Self.tenant.id, PageLink(pageSize: 10, page: 0, sortProperty: .type, ascending: true))
            #expect(byType.data.map(\.name) == ["alpine", "gamma", "Alpha", "Beta"])
            let newest = try await store.deviceProfiles(tenantId: Self.tenant.id, PageLink(pageSize: 1, page: 0))
            #expect(newest.data.map(\.name) == ["gamma"])
            #expect(try await store.deviceProfiles(tenantId: Self.other.id, link).totalElements == 0)
        }
    }
}
