import Foundation
import MusterCore
import Testing

/// ``ProvisioningStore`` on every store (SQLite with its group commit): a provisioned device with its credentials
/// and state all or nothing, exactly one device for concurrent identical requests, the snapshot, marking.
@Suite struct ProvisioningConformanceTests {
    static func plan(_ number: Int, _ name: String, profile: DeviceProfile, token: String? = nil) throws
        -> ProvisionedDevicePlan
    {
        let device = DeviceConformanceTests.device(number, name, profile: profile)
        return ProvisionedDevicePlan(
            device: device,
            credentials: try DeviceConformanceTests.credentials(for: device, token: token ?? "token-\(number)"),
            provisionedAt: Fixed.now + 500)
    }

    /// The tenant with a profile whose provision key is `pk`.
    static func seed(_ store: any StoreKind.Ports) async throws -> DeviceProfile {
        try await store.insertTenant(DeviceConformanceTests.tenant)
        let profile = ProfileConformanceTests.deviceProfile(
            10, tenantId: DeviceConformanceTests.tenant.id, name: "Sensor", key: "pk", isDefault: true)
        #expect(try await store.saveDeviceProfile(profile) == .saved)
        return profile
    }

    @Test(arguments: StoreKind.allCases)
    func createProvisionedDeviceWritesDeviceCredentialsAndState(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await Self.seed(store)
            #expect(try await store.deviceProfile(provisionKey: "pk") == profile)
            #expect(try await store.deviceProfile(provisionKey: "PK") == nil)
            let plan = try Self.plan(20, "new-device", profile: profile)
            #expect(try await store.createProvisionedDevice(plan) == .created)
            let snapshot = try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: "new-device")
            #expect(
                snapshot == ProvisioningSnapshot(
                    device: plan.device, credentials: plan.credentials, provisionState: .string("provisioned")))
            #expect(
                try await store.attributes(entityId: plan.device.id, scope: .server, keys: nil) == [
                    Attribute(key: "provisionState", value: .string("provisioned"), lastUpdateTs: plan.provisionedAt)
                ])
            #expect(try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: "NEW-DEVICE") == nil)
            #expect(try await store.provisioningSnapshot(tenantId: DeviceConformanceTests.stranger, deviceName: "new-device") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func refusedProvisioningWritesNothing(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await Self.seed(store)
            #expect(try await store.createProvisionedDevice(Self.plan(20, "a", profile: profile, token: "t1")) == .created)
            let sameName = try Self.plan(21, "a", profile: profile)
            #expect(try await store.createProvisionedDevice(sameName) == .nameTaken)
            let sameToken = try Self.plan(22, "b", profile: profile, token: "t1")
            #expect(try await store.createProvisionedDevice(sameToken) == .credentialsTaken)
            #expect(try await store.device(name: "b", tenantId: profile.tenantId) == nil)
            #expect(try await store.credentials(deviceId: sameName.device.id) == nil)
            #expect(try await store.attributes(entityId: sameToken.device.id, scope: .server, keys: nil).isEmpty)
            let page = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentIdenticalRequestsCreateExactlyOneDevice(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await Self.seed(store)
            let plans = try (0..<8).map { try Self.plan(20 + $0, "same", profile: profile) }
            let results = try await withThrowingTaskGroup(of: ProvisionedDeviceCreation.self) { group in
                for plan in plans { group.addTask { try await store.createProvisionedDevice(plan) } }
                return try await group.reduce(into: [ProvisionedDeviceCreation]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == .created }.count == 1)
            #expect(results.filter { $0 == .nameTaken }.count == 7)
            let snapshot = try #require(try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: "same"))
            #expect(snapshot.provisionState == .string("provisioned"))
            let page = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 1 && page.data.count == 1)
        }
    }

    /// Concurrent provisionings written together (group commit) each get the outcome they would get alone: a
    /// taken token or name refuses that one provisioning only.
    @Test(arguments: StoreKind.allCases)
    func concurrentProvisioningsKeepTheirOwnOutcomes(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await Self.seed(store)
            #expect(try await store.createProvisionedDevice(Self.plan(20, "held", profile: profile, token: "t1")) == .created)
            for round in 0..<3 {
                let base = 100 + 20 * round
                let plans = try [
                    Self.plan(base, "r\(round)-a", profile: profile),
                    Self.plan(base + 1, "r\(round)-taken-token", profile: profile, token: "t1"),
                    Self.plan(base + 2, "held", profile: profile),
                    Self.plan(base + 3, "r\(round)-b", profile: profile),
                    Self.plan(base + 4, "r\(round)-twice", profile: profile),
                    Self.plan(base + 5, "r\(round)-twice", profile: profile),
                    Self.plan(base + 6, "r\(round)-c", profile: profile),
                ]
                let results = try await withThrowingTaskGroup(of: (Int, ProvisionedDeviceCreation).self) { group in
                    for (index, plan) in plans.enumerated() {
                        group.addTask { (index, try await store.createProvisionedDevice(plan)) }
                    }
                    return try await group.reduce(into: [Int: ProvisionedDeviceCreation]()) { $0[$1.0] = $1.1 }
                }
                #expect(results[0] == .created && results[3] == .created && results[6] == .created)
                #expect(results[1] == .credentialsTaken)
                #expect(results[2] == .nameTaken)
                #expect([results[4], results[5]].filter { $0 == .created }.count == 1)
                #expect([results[4], results[5]].filter { $0 == .nameTaken }.count == 1)
                #expect(try await store.device(name: "r\(round)-taken-token", tenantId: profile.tenantId) == nil)
                #expect(try await store.attributes(entityId: plans[1].device.id, scope: .server, keys: nil).isEmpty)
                for index in [0, 3, 6] {
                    let snapshot = try #require(
                        try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: plans[index].device.name))
                    #expect(snapshot.credentials == plans[index].credentials && snapshot.provisionState == .string("provisioned"))
                }
            }
            let page = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 50, page: 0))
            #expect(page.totalElements == 1 + 3 * 4 && page.data.count == 13)
        }
    }

    /// A burst of 100 provisionings, every tenth reusing the token of the one before it: each is all or nothing.
    @Test(arguments: StoreKind.allCases)
    func aBurstOfProvisioningsKeepsEachPlanAllOrNothing(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await Self.seed(store)
            let plans = try (0..<100).map { index in
                try Self.plan(
                    100 + index, "device-\(index)", profile: profile,
                    token: "token-\(index.isMultiple(of: 10) && index > 0 ? index - 1 : index)")
            }
            let results = try await withThrowingTaskGroup(of: (Int, ProvisionedDeviceCreation).self) { group in
                for (index, plan) in plans.enumerated() {
                    group.addTask { (index, try await store.createProvisionedDevice(plan)) }
                }
                return try await group.reduce(into: [Int: ProvisionedDeviceCreation]()) { $0[$1.0] = $1.1 }
            }
            let created = results.values.filter { $0 == .created }.count
            let taken = results.values.filter { $0 == .credentialsTaken }.count
            #expect(created == 91)
            #expect(taken == 9)
            let page = try await store.devices(tenantId: profile.tenantId, profileId: nil, PageLink(pageSize: 200, page: 0))
            #expect(page.totalElements == created && page.data.count == created)
            for (index, result) in results {
                let plan = plans[index]
                if result == .created {
                    let snapshot = try await store.provisioningSnapshot(
                        tenantId: profile.tenantId, deviceName: "device-\(index)")
                    #expect(snapshot?.credentials?.credentialsId == plan.credentials.credentialsId)
                    #expect(snapshot?.provisionState == .string("provisioned"))
                } else {
                    #expect(try await store.device(name: plan.device.name, tenantId: profile.tenantId) == nil)
                    #expect(try await store.credentials(deviceId: plan.device.id) == nil)
                    #expect(try await store.attributes(entityId: plan.device.id, scope: .server, keys: nil).isEmpty)
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func snapshotOfAPreProvisionedDeviceAndMarking(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = try await Self.seed(store)
            let device = DeviceConformanceTests.device(20, "pre", profile: profile)
            let credentials = try DeviceConformanceTests.credentials(for: device)
            #expect(try await store.insertDevice(device, credentials: credentials) == .saved)
            #expect(
                try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: "pre")
                    == ProvisioningSnapshot(device: device, credentials: credentials, provisionState: nil))

            #expect(try await store.markProvisioned(deviceId: device.id, at: 10) == .marked)
            #expect(try await store.markProvisioned(deviceId: device.id, at: 20) == .alreadySet(.string("provisioned")))
            #expect(
                try await store.attributes(entityId: device.id, scope: .server, keys: nil)
                    == [Attribute(key: "provisionState", value: .string("provisioned"), lastUpdateTs: 10)])

            // Another value written by an admin is reported as it is.
            let other = DeviceConformanceTests.device(21, "other", profile: profile)
            #expect(try await store.insertDevice(other, credentials: DeviceConformanceTests.credentials(for: other)) == .saved)
            try await store.saveAttributes(
                entityId: other.id, scope: .server, [Attribute(key: "provisionState", value: .long(3), lastUpdateTs: 1)])
            #expect(try await store.markProvisioned(deviceId: other.id, at: 10) == .alreadySet(.long(3)))

            await #expect(throws: (any Error).self) { try await store.markProvisioned(deviceId: Fixed.id(99), at: 1) }
            #expect(try await store.attributes(entityId: Fixed.id(99), scope: .server, keys: nil).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func certificateChainProfilesAreThoseWithACertificate(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await Self.seed(store)
            let tenant = DeviceConformanceTests.tenant.id
            var chain = ProfileConformanceTests.deviceProfile(11, tenantId: tenant, name: "Chain")
            chain.provisionType = .x509CertificateChain
            chain.provisionDeviceKey = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----"
            chain.provisionConfiguration = ProvisionConfiguration(
                type: .x509CertificateChain, certificateRegExPattern: "(.*)", allowCreateNewDevicesByX509Certificate: true)
            var empty = ProfileConformanceTests.deviceProfile(12, tenantId: tenant, name: "Chain without CA")
            empty.provisionType = .x509CertificateChain
            for profile in [chain, empty] { #expect(try await store.saveDeviceProfile(profile) == .saved) }
            #expect(try await store.certificateChainProfiles() == [chain])
        }
    }
}
