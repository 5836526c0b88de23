import Foundation
import MusterCore
import Testing

/// ``DeviceStore`` on every store: devices with their credentials, the uniqueness results, optimistic locking,
/// cascading deletes, listings (order, search, counts, provision state), assets; and what profiles do to them.
@Suite struct DeviceConformanceTests {
    static let tenant = Tenant(id: Fixed.id(1), title: "Tenant", createdTime: Fixed.now)
    static let stranger = Fixed.id(2)

    /// The tenant with a device profile (id 10) and an asset profile (id 11).
    static func seed(_ store: any StoreKind.Ports) async throws -> (DeviceProfile, AssetProfile) {
        try await store.insertTenant(tenant)
        let device = ProfileConformanceTests.deviceProfile(10, tenantId: tenant.id, name: "Sensor", isDefault: true)
        let asset = ProfileConformanceTests.assetProfile(11, tenantId: tenant.id, name: "Building", isDefault: true)
        #expect(try await store.saveDeviceProfile(device) == .saved)
        #expect(try await store.saveAssetProfile(asset) == .saved)
        return (device, asset)
    }

    static func device(
        _ number: Int, _ name: String, profile: DeviceProfile, label: String? = nil, createdTime: Int64? = nil
    ) -> Device {
        Device(
            id: Fixed.id(number), tenantId: profile.tenantId, name: name, type: profile.name,
            deviceProfileId: profile.id, label: label, createdTime: createdTime ?? Fixed.now + Int64(number))
    }

    static func credentials(for device: Device, token: String? = nil) throws -> DeviceCredentials {
        let material = try CredentialRules.accessToken(token ?? "token-\(device.name)")
        return DeviceCredentials(
            id: Fixed.id(100_000 + Int(device.id.uuid.15) + 256 * Int(device.id.uuid.14)), deviceId: device.id,
            createdTime: device.createdTime, type: material.type, credentialsId: material.credentialsId,
            credentialsValue: material.credentialsValue)
    }

    @Test(arguments: StoreKind.allCases)
    func deviceAndCredentialsRoundTrip(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            var device = Self.device(20, "sensor-1", profile: profile, label: "Kitchen")
            device.additionalInfo = .object(["gateway": .bool(true), "description": .string("ü"), "n": .number("1e3")])
            let basic = try CredentialRules.mqttBasic(MQTTBasicCredentials(clientId: "c", userName: "u", password: "p"))
            let credentials = DeviceCredentials(
                id: Fixed.id(30), deviceId: device.id, createdTime: Fixed.now, type: basic.type,
                credentialsId: basic.credentialsId, credentialsValue: basic.credentialsValue)
            #expect(try await store.insertDevice(device, credentials: credentials) == .saved)

            #expect(try await store.device(id: device.id, tenantId: Self.tenant.id) == device)
            #expect(try await store.device(name: "sensor-1", tenantId: Self.tenant.id) == device)
            #expect(try await store.device(name: "SENSOR-1", tenantId: Self.tenant.id) == nil)
            #expect(try await store.credentials(deviceId: device.id) == credentials)
            let found = try #require(try await store.device(credentialsId: basic.credentialsId))
            #expect(found.0 == device && found.1 == credentials)
            #expect(try await store.device(credentialsId: "nope") == nil)
            #expect(try await store.device(id: device.id, tenantId: Self.stranger) == nil)
            #expect(try await store.device(name: "sensor-1", tenantId: Self.stranger) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func severalCredentialsIdsAreLookedUpInOneRead(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let first = Self.device(20, "first", profile: profile)
            let second = Self.device(21, "second", profile: profile)
            #expect(try await store.insertDevice(first, credentials: Self.credentials(for: first, token: "tok-1")) == .saved)
            #expect(try await store.insertDevice(second, credentials: Self.credentials(for: second, token: "tok-2")) == .saved)

            let both = try await store.devices(credentialsIds: ["tok-2", "missing", "tok-1"])
            #expect(Set(both.map(\.0.name)) == ["first", "second"])
            #expect(both.allSatisfy { $0.1.deviceId == $0.0.id })
            #expect(try await store.devices(credentialsIds: ["missing", "TOK-1"]).isEmpty)
            #expect(try await store.devices(credentialsIds: []).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func eachUniquenessConstraintIsReportedWithNothingWritten(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let taken = Self.device(20, "taken", profile: profile)
            #expect(try await store.insertDevice(taken, credentials: Self.credentials(for: taken, token: "t1")) == .saved)

            let sameName = Self.device(21, "taken", profile: profile)
            #expect(try await store.insertDevice(sameName, credentials: Self.credentials(for: sameName)) == .nameTaken)
            let sameToken = Self.device(22, "fresh", profile: profile)
            #expect(
                try await store.insertDevice(sameToken, credentials: Self.credentials(for: sameToken, token: "t1"))
                    == .credentialsTaken)
            #expect(try await store.device(name: "fresh", tenantId: Self.tenant.id) == nil)
            #expect(try await store.credentials(deviceId: sameToken.id) == nil)
            // A device of another tenant's (or no) profile is refused as not found.
            var foreign = Self.device(23, "foreign", profile: profile)
            foreign.tenantId = Self.stranger
            #expect(try await store.insertDevice(foreign, credentials: Self.credentials(for: foreign)) == .notFound)
            let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func exactlyOneOfConcurrentIdenticalInsertsWins(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let results = try await withThrowingTaskGroup(of: EntityWrite.self) { group in
                for number in 0..<8 {
                    let device = Self.device(20 + number, "same", profile: profile)
                    let credentials = try Self.credentials(for: device, token: "token-\(number)")
                    group.addTask { try await store.insertDevice(device, credentials: credentials) }
                }
                return try await group.reduce(into: [EntityWrite]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == .saved }.count == 1)
            #expect(results.filter { $0 == .nameTaken }.count == 7)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updateChangesFieldsWithinTheTenantOnlyAtTheStoredVersion(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let other = ProfileConformanceTests.deviceProfile(12, tenantId: Self.tenant.id, name: "Other profile")
            #expect(try await store.saveDeviceProfile(other) == .saved)
            var device = Self.device(20, "d1", profile: profile, label: "L")
            let second = Self.device(21, "d2", profile: profile)
            for item in [device, second] {
                #expect(try await store.insertDevice(item, credentials: Self.credentials(for: item)) == .saved)
            }

            device.name = "d1-renamed"
            device.label = nil
            device.deviceProfileId = other.id
            device.type = other.name
            device.additionalInfo = .object(["k": .string("v")])
            #expect(try await store.updateDevice(device) == .saved)
            var expected = device
            expected.version = 2
            #expect(try await store.device(id: device.id, tenantId: Self.tenant.id) == expected)
            let moved = try await store.devices(tenantId: Self.tenant.id, profileId: other.id, PageLink(pageSize: 5, page: 0))
            #expect(moved.totalElements == 1 && moved.data.map(\.device) == [expected])

            // An update based on a version no longer stored changes nothing.
            device.label = "stale"
            #expect(try await store.updateDevice(device) == .notFound)
            #expect(try await store.device(id: device.id, tenantId: Self.tenant.id) == expected)
            device.label = nil
            device.version = expected.version

            device.name = "d2"
            #expect(try await store.updateDevice(device) == .nameTaken)
            device.name = "x"
            device.deviceProfileId = Fixed.id(99)
            #expect(try await store.updateDevice(device) == .notFound)
            var foreign = expected
            foreign.name = "x"
            foreign.tenantId = Self.stranger
            #expect(try await store.updateDevice(foreign) == .notFound)
            #expect(try await store.device(id: device.id, tenantId: Self.tenant.id) == expected)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replaceCredentialsKeepsTheRowIdAndRefusesTakenIds(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let device = Self.device(20, "d1", profile: profile)
            let original = try Self.credentials(for: device, token: "old")
            #expect(try await store.insertDevice(device, credentials: original) == .saved)
            let theirs = Self.device(21, "d2", profile: profile)
            #expect(try await store.insertDevice(theirs, credentials: Self.credentials(for: theirs, token: "theirs")) == .saved)

            let material = try CredentialRules.x509("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
            guard case .saved(let replaced) = try await store.replaceCredentials(deviceId: device.id, with: material)
            else {
                Issue.record("not saved")
                return
            }
            #expect(replaced.id == original.id && replaced.material == material && replaced.version == 2)
            #expect(try await store.device(credentialsId: "old") == nil)
            #expect(try await store.credentials(deviceId: device.id) == replaced)

            let taken = CredentialsMaterial(type: .accessToken, credentialsId: "theirs", credentialsValue: nil)
            #expect(try await store.replaceCredentials(deviceId: device.id, with: taken) == .credentialsTaken)
            #expect(try await store.replaceCredentials(deviceId: Fixed.id(99), with: taken) == .notFound)
            #expect(try await store.credentials(deviceId: device.id) == replaced)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingADeviceDeletesItsCredentialsAttributesAndTimeseries(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let doomed = Self.device(20, "doomed", profile: profile)
            let keeper = Self.device(21, "keeper", profile: profile)
            for item in [doomed, keeper] {
                #expect(try await store.insertDevice(item, credentials: Self.credentials(for: item)) == .saved)
                try await store.saveAttributes(
                    entityId: item.id, scope: .shared, [Attribute(key: "a", value: .long(1), lastUpdateTs: 1)])
                try await store.saveTimeseries(entityId: item.id, [TimeseriesPoint(key: "t", ts: 1, value: .double(2))])
            }
            #expect(try await store.deleteDeviceProfile(id: profile.id, tenantId: Self.tenant.id) == .inUse)

            #expect(try await store.deleteDevice(id: doomed.id, tenantId: Self.stranger) == false)
            #expect(try await store.deleteDevice(id: doomed.id, tenantId: Self.tenant.id))
            #expect(try await store.deleteDevice(id: doomed.id, tenantId: Self.tenant.id) == false)

            #expect(try await store.credentials(deviceId: doomed.id) == nil)
            #expect(try await store.device(credentialsId: "token-doomed") == nil)
            #expect(try await store.attributes(entityId: doomed.id, scope: .shared, keys: nil).isEmpty)
            #expect(try await store.latestTimeseries(entityId: doomed.id, keys: nil).isEmpty)
            #expect(try await store.timeseries(
                entityId: doomed.id, keys: ["t"], startTs: 0, endTs: 9, limit: 9, ascending: true).isEmpty)
            #expect(try await store.credentials(deviceId: keeper.id) != nil)
            #expect(try await store.attributes(entityId: keeper.id, scope: .shared, keys: nil).count == 1)
            #expect(try await store.latestTimeseries(entityId: keeper.id, keys: nil).count == 1)
            let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func renamingAProfileRenamesItsDevicesAndAssetsType(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            var (deviceProfile, assetProfile) = try await Self.seed(store)
            let device = Self.device(20, "d1", profile: deviceProfile)
            #expect(try await store.insertDevice(device, credentials: Self.credentials(for: device)) == .saved)
            let asset = Asset(
                id: Fixed.id(21), tenantId: Self.tenant.id, name: "HQ", type: assetProfile.name,
                assetProfileId: assetProfile.id, createdTime: Fixed.now)
            #expect(try await store.insertAsset(asset) == .saved)
            deviceProfile.name = "Renamed"
            assetProfile.name = "Renamed asset"
            #expect(try await store.saveDeviceProfile(deviceProfile) == .saved)
            #expect(try await store.saveAssetProfile(assetProfile) == .saved)
            #expect(try await store.device(id: device.id, tenantId: Self.tenant.id)?.type == "Renamed")
            #expect(try await store.asset(id: asset.id, tenantId: Self.tenant.id)?.type == "Renamed asset")
            #expect(try await store.deleteAssetProfile(id: assetProfile.id, tenantId: Self.tenant.id) == .inUse)
        }
    }

    /// Names in creation order, with mixed case, accents and LIKE's wildcards.
    static let names = ["Boiler", "alpha-2", "Alpha-1", "beta", "ALPHA-3", "Älpler", "älteste", "gamma_%", "gamma-x"]

    private func seeded(
        _ kind: StoreKind, _ body: (any StoreKind.Ports, DeviceProfile, [Device]) async throws -> Void
    ) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            var devices: [Device] = []
            for (index, name) in Self.names.enumerated() {
                var device = Self.device(
                    20 + index, name, profile: profile, label: index.isMultiple(of: 3) ? nil : "L\(9 - index)")
                device.type = index.isMultiple(of: 2) ? "b-type" : "A-type"
                #expect(try await store.insertDevice(device, credentials: Self.credentials(for: device)) == .saved)
                devices.append(device)
            }
            try await body(store, profile, devices)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func defaultListingIsNewestFirstWithTotalsAndProvisionState(_ kind: StoreKind) async throws {
        try await seeded(kind) { store, profile, devices in
            let first = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 4, page: 0))
            #expect(first.data.map(\.device) == Array(devices.reversed().prefix(4)))
            #expect(first.totalElements == 9 && first.totalPages == 3 && first.hasNext)
            let last = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 4, page: 2))
            #expect(last.data.map(\.device) == [devices[0]] && !last.hasNext)
            let beyond = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 4, page: 9))
            #expect(beyond.data.isEmpty && beyond.totalElements == 9)
            let none = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 0, page: 0))
            #expect(none.data.isEmpty && none.totalElements == 9)

            try await store.saveAttributes(
                entityId: devices[8].id, scope: .server,
                [Attribute(key: WellKnownAttribute.provisionState, value: .string("provisioned"), lastUpdateTs: 1)])
            try await store.saveAttributes(
                entityId: devices[7].id, scope: .shared,
                [Attribute(key: WellKnownAttribute.provisionState, value: .string("shared, not shown"), lastUpdateTs: 1)])
            let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 2, page: 0))
            #expect(page.data.map(\.provisionState) == ["provisioned", nil])
            #expect(page.data.map(\.credentialsType) == [.accessToken, .accessToken])
            let stranger = try await store.devices(tenantId: Self.stranger, profileId: profile.id, PageLink(pageSize: 10, page: 0))
            #expect(stranger.totalElements == 0 && stranger.data.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func textSearchIsACaseInsensitivePrefix(_ kind: StoreKind) async throws {
        try await seeded(kind) { store, _, _ in
            let cases: [(String, [String])] = [
                ("alpha", ["ALPHA-3", "Alpha-1", "alpha-2"]),
                ("ALPHA-", ["ALPHA-3", "Alpha-1", "alpha-2"]),
                ("äl", ["älteste", "Älpler"]),
                ("ÄLT", ["älteste"]),
                ("gamma_", ["gamma_%"]),
                ("gamma_%", ["gamma_%"]),
                ("b", ["beta", "Boiler"]),
                ("z", []),
            ]
            for (prefix, expected) in cases {
                let page = try await store.devices(
                    tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 100, page: 0, textSearch: prefix))
                #expect(page.data.map(\.device.name) == expected, "\(prefix)")
                #expect(page.totalElements == expected.count, "\(prefix)")
            }
            let second = try await store.devices(
                tenantId: Self.tenant.id, profileId: nil,
                PageLink(pageSize: 2, page: 1, textSearch: "alpha", sortProperty: .name, ascending: true))
            #expect(second.data.map(\.device.name) == ["ALPHA-3"] && second.totalElements == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func containsSearchFindsTheTextAnywhereInTheName(_ kind: StoreKind) async throws {
        try await seeded(kind) { store, profile, devices in
            // Names: Boiler, alpha-2, Alpha-1, beta, ALPHA-3, Älpler, älteste, gamma_%, gamma-x (newest last).
            let cases: [(String, [String])] = [
                ("pha-", ["ALPHA-3", "Alpha-1", "alpha-2"]),  // the trigram index
                ("LPH", ["ALPHA-3", "Alpha-1", "alpha-2"]),
                ("lte", ["älteste"]),
                ("LPL", ["Älpler"]),
                ("a_%", ["gamma_%"]),  // `%` and `_` are plain characters
                ("a_x", []),
                ("ma-", ["gamma-x"]),
                ("et", ["beta"]),  // shorter than a trigram: the walk
                ("l", ["älteste", "Älpler", "ALPHA-3", "Alpha-1", "alpha-2", "Boiler"]),
                ("zzz", []),
            ]
            for (text, expected) in cases {
                var link = PageLink(pageSize: 100, page: 0, textSearch: text)
                link.containsSearch = true
                let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, link)
                #expect(page.data.map(\.device.name) == expected, "\(text)")
                #expect(page.totalElements == expected.count, "\(text)")
            }
            var byName = PageLink(pageSize: 2, page: 1, textSearch: "alpha", sortProperty: .name, ascending: true)
            byName.containsSearch = true
            let second = try await store.devices(tenantId: Self.tenant.id, profileId: nil, byName)
            #expect(second.data.map(\.device.name) == ["ALPHA-3"] && second.totalElements == 3)
            // A renamed device is found by its new name only; a deleted one no more.
            var renamed = devices[3]
            renamed.name = "omega-beta"
            #expect(try await store.updateDevice(renamed) == .saved)
            #expect(try await store.deleteDevice(id: devices[0].id, tenantId: Self.tenant.id))
            for (text, expected) in [("ega-b", ["omega-beta"]), ("oile", []), ("eta", ["omega-beta"])] {
                var link = PageLink(pageSize: 100, page: 0, textSearch: text)
                link.containsSearch = true
                let page = try await store.devices(tenantId: Self.tenant.id, profileId: profile.id, link)
                #expect(page.data.map(\.device.name) == expected, "\(text)")
            }
            var stranger = PageLink(pageSize: 100, page: 0, textSearch: "alpha")
            stranger.containsSearch = true
            #expect(try await store.devices(tenantId: Self.stranger, profileId: nil, stranger).totalElements == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sortsByNameTypeAndLabel(_ kind: StoreKind) async throws {
        try await seeded(kind) { store, _, _ in
            let byName = try await store.devices(
                tenantId: Self.tenant.id, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .name, ascending: true))
            #expect(
                byName.data.map(\.device.name) == [
                    "Alpha-1", "alpha-2", "ALPHA-3", "beta", "Boiler", "gamma-x", "gamma_%", "Älpler", "älteste",
                ])
            let byLabel = try await store.devices(
                tenantId: Self.tenant.id, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .label, ascending: true))
            #expect(byLabel.data.map(\.device.label) == [nil, nil, nil, "L1", "L2", "L4", "L5", "L7", "L8"])
            #expect(byLabel.data.prefix(3).map(\.device.name) == ["Boiler", "beta", "älteste"])
            let byLabelDown = try await store.devices(
                tenantId: Self.tenant.id, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .label, ascending: false))
            #expect(byLabelDown.data.map(\.device.label) == ["L8", "L7", "L5", "L4", "L2", "L1", nil, nil, nil])
            let byType = try await store.devices(
                tenantId: Self.tenant.id, profileId: nil,
                PageLink(pageSize: 100, page: 0, sortProperty: .type, ascending: true))
            #expect(byType.data.map(\.device.type) == Array(repeating: "A-type", count: 4) + Array(repeating: "b-type", count: 5))
            #expect(byType.data.first?.device.name == "alpha-2")
            let searchedByType = try await store.devices(
                tenantId: Self.tenant.id, profileId: nil,
                PageLink(pageSize: 100, page: 0, textSearch: "a", sortProperty: .type, ascending: false))
            #expect(searchedByType.data.map(\.device.name) == ["ALPHA-3", "Alpha-1", "alpha-2"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeviceCannotUseAnotherTenantsProfile(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (mine, _) = try await Self.seed(store)
            let otherTenant = Tenant(id: Self.stranger, title: "Other", createdTime: Fixed.now)
            try await store.insertTenant(otherTenant)
            let theirs = ProfileConformanceTests.deviceProfile(12, tenantId: otherTenant.id, name: "Theirs")
            #expect(try await store.saveDeviceProfile(theirs) == .saved)
            var device = Self.device(20, "d", profile: mine)
            device.deviceProfileId = theirs.id
            #expect(try await store.insertDevice(device, credentials: Self.credentials(for: device)) == .notFound)
            #expect(try await store.device(id: device.id, tenantId: Self.tenant.id) == nil)
            #expect(try await store.credentials(deviceId: device.id) == nil)
            for tenant in [Self.tenant.id, otherTenant.id] {
                let page = try await store.devices(tenantId: tenant, profileId: nil, PageLink(pageSize: 10, page: 0))
                #expect(page.totalElements == 0 && page.data.isEmpty)
            }
        }
    }

    /// Page totals (whether kept by counters or counted) follow every insert, delete and profile change; a name
    /// search counts its matches; another tenant's devices never count.
    @Test(arguments: StoreKind.allCases)
    func totalsFollowInsertsDeletesAndProfileChanges(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (first, _) = try await Self.seed(store)
            let second = ProfileConformanceTests.deviceProfile(12, tenantId: Self.tenant.id, name: "Second")
            #expect(try await store.saveDeviceProfile(second) == .saved)
            var devices: [Device] = []
            for index in 0..<5 {
                let device = Self.device(20 + index, "dev-\(index)", profile: first)
                #expect(try await store.insertDevice(device, credentials: Self.credentials(for: device)) == .saved)
                devices.append(device)
            }
            func total(_ profile: DeviceProfile? = nil, search: String? = nil) async throws -> Int {
                try await store.devices(
                    tenantId: Self.tenant.id, profileId: profile?.id, PageLink(pageSize: 2, page: 0, textSearch: search)
                ).totalElements
            }
            #expect(try await total() == 5)
            #expect(try await total(first) == 5)
            #expect(try await total(second) == 0)

            var moved = devices[0]
            moved.deviceProfileId = second.id
            moved.type = second.name
            moved.label = "moved"
            #expect(try await store.updateDevice(moved) == .saved)
            #expect(try await total(first) == 4)
            #expect(try await total(second) == 1)

            #expect(try await store.deleteDevice(id: devices[1].id, tenantId: Self.tenant.id))
            #expect(try await total() == 4)
            #expect(try await total(first) == 3)
            #expect(try await total(search: "DEV-") == 4)
            #expect(try await total(search: "dev-4") == 1)

            let otherTenant = Tenant(id: Self.stranger, title: "Tenant B", createdTime: Fixed.now)
            try await store.insertTenant(otherTenant)
            let theirs = ProfileConformanceTests.deviceProfile(13, tenantId: otherTenant.id, name: "Sensor")
            #expect(try await store.saveDeviceProfile(theirs) == .saved)
            let foreign = Self.device(40, "dev-x", profile: theirs)
            #expect(try await store.insertDevice(foreign, credentials: Self.credentials(for: foreign)) == .saved)
            #expect(try await total() == 4)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func profileFilterCombinesWithTextSearch(_ kind: StoreKind) async throws {
        try await seeded(kind) { store, profile, _ in
            let other = ProfileConformanceTests.deviceProfile(12, tenantId: Self.tenant.id, name: "Other")
            #expect(try await store.saveDeviceProfile(other) == .saved)
            let device = Self.device(40, "alpha-other", profile: other)
            #expect(try await store.insertDevice(device, credentials: Self.credentials(for: device)) == .saved)
            let page = try await store.devices(
                tenantId: Self.tenant.id, profileId: other.id, PageLink(pageSize: 10, page: 0, textSearch: "alpha"))
            #expect(page.data.map(\.device.name) == ["alpha-other"])
            #expect(page.totalElements == 1)
            let mine = try await store.devices(
                tenantId: Self.tenant.id, profileId: profile.id, PageLink(pageSize: 10, page: 0, textSearch: "alpha"))
            #expect(mine.data.map(\.device.name) == ["ALPHA-3", "Alpha-1", "alpha-2"] && mine.totalElements == 3)
            let all = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 0, page: 0))
            #expect(all.data.isEmpty && all.totalElements == 10)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aProfileInUseIsKeptUntilItsLastEntityIsDeleted(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (deviceProfile, assetProfile) = try await Self.seed(store)
            let device = Self.device(20, "d1", profile: deviceProfile)
            #expect(try await store.insertDevice(device, credentials: Self.credentials(for: device)) == .saved)
            let asset = Asset(
                id: Fixed.id(21), tenantId: Self.tenant.id, name: "HQ", type: assetProfile.name,
                assetProfileId: assetProfile.id, createdTime: Fixed.now)
            #expect(try await store.insertAsset(asset) == .saved)

            #expect(try await store.deleteDeviceProfile(id: deviceProfile.id, tenantId: Self.stranger) == .notFound)
            #expect(try await store.deleteDeviceProfile(id: deviceProfile.id, tenantId: Self.tenant.id) == .inUse)
            #expect(try await store.deviceProfile(id: deviceProfile.id, tenantId: Self.tenant.id) != nil)
            #expect(try await store.deleteDevice(id: device.id, tenantId: Self.tenant.id))
            #expect(try await store.deleteDeviceProfile(id: deviceProfile.id, tenantId: Self.tenant.id) == .deleted)
            #expect(try await store.deleteDeviceProfile(id: deviceProfile.id, tenantId: Self.tenant.id) == .notFound)

            #expect(try await store.deleteAssetProfile(id: assetProfile.id, tenantId: Self.tenant.id) == .inUse)
            #expect(try await store.assetProfile(id: assetProfile.id, tenantId: Self.tenant.id) != nil)
            #expect(try await store.deleteAsset(id: asset.id, tenantId: Self.tenant.id))
            #expect(try await store.deleteAssetProfile(id: assetProfile.id, tenantId: Self.stranger) == .notFound)
            #expect(try await store.deleteAssetProfile(id: assetProfile.id, tenantId: Self.tenant.id) == .deleted)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func assetsRoundTripUpdatePageAndDelete(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (_, profile) = try await Self.seed(store)
            let second = ProfileConformanceTests.assetProfile(12, tenantId: Self.tenant.id, name: "Room")
            #expect(try await store.saveAssetProfile(second) == .saved)
            var asset = Asset(
                id: Fixed.id(20), tenantId: Self.tenant.id, name: "HQ", type: profile.name,
                assetProfileId: profile.id, label: "x", additionalInfo: .object(["a": .number("1")]),
                createdTime: Fixed.now)
            #expect(try await store.insertAsset(asset) == .saved)
            #expect(try await store.asset(id: asset.id, tenantId: Self.tenant.id) == asset)
            #expect(try await store.asset(name: "HQ", tenantId: Self.tenant.id) == asset)
            #expect(try await store.asset(id: asset.id, tenantId: Self.stranger) == nil)

            var twin = asset
            twin.id = Fixed.id(21)
            #expect(try await store.insertAsset(twin) == .nameTaken)
            var foreignProfile = twin
            foreignProfile.name = "other"
            foreignProfile.assetProfileId = Fixed.id(99)
            #expect(try await store.insertAsset(foreignProfile) == .notFound)

            asset.label = "Head office"
            #expect(try await store.updateAsset(asset) == .saved)
            #expect(try await store.asset(id: asset.id, tenantId: Self.tenant.id)?.version == 2)
            #expect(try await store.updateAsset(asset) == .notFound, "stale version")
            var stranger = asset
            stranger.tenantId = Self.stranger
            stranger.version = 2
            #expect(try await store.updateAsset(stranger) == .notFound)

            for index in 0..<6 {
                let room = Asset(
                    id: Fixed.id(30 + index), tenantId: Self.tenant.id, name: "room-\(index)", type: "t",
                    assetProfileId: index.isMultiple(of: 2) ? profile.id : second.id, createdTime: Fixed.now + Int64(index))
                #expect(try await store.insertAsset(room) == .saved)
            }
            var taken = asset
            taken.version = 2
            taken.name = "room-1"
            #expect(try await store.updateAsset(taken) == .nameTaken)
            let page = try await store.assets(tenantId: Self.tenant.id, profileId: second.id, PageLink(pageSize: 2, page: 0))
            #expect(page.data.map(\.name) == ["room-5", "room-3"] && page.totalElements == 3)
            let all = try await store.assets(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 2, page: 0))
            #expect(all.totalElements == 7)
            let search = try await store.assets(
                tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0, textSearch: "ROOM-1"))
            #expect(search.data.map(\.name) == ["room-1"] && search.totalElements == 1)
            let byName = try await store.assets(
                tenantId: Self.tenant.id, profileId: profile.id,
                PageLink(pageSize: 10, page: 0, sortProperty: .name, ascending: true))
            #expect(byName.data.map(\.name) == ["HQ", "room-0", "room-2", "room-4"])

            try await store.saveAttributes(
                entityId: asset.id, scope: .server, [Attribute(key: "k", value: .boolean(true), lastUpdateTs: 1)])
            #expect(try await store.deleteAsset(id: asset.id, tenantId: Self.stranger) == false)
            #expect(try await store.deleteAsset(id: asset.id, tenantId: Self.tenant.id))
            #expect(try await store.attributes(entityId: asset.id, scope: .server, keys: nil).isEmpty)
            #expect(try await store.asset(id: asset.id, tenantId: Self.tenant.id) == nil)
        }
    }
}
