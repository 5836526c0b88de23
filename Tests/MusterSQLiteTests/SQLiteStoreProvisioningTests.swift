import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

/// The SQLite store's provisioning under its other configurations: without group commit (one transaction per
/// provisioning), and with small groups (a burst split over several group transactions). The behaviour under the
/// configuration the server runs, on both stores, is in `ProvisioningConformanceTests` (`MusterPostgresTests`).
@Suite struct SQLiteStoreProvisioningTests {
    @Test func createProvisionedDeviceWritesDeviceCredentialsAndStateWithoutGroupCommit() async throws {
        try await withStore(.init(groupCommit: false)) { store in
            let profile = try await store.seedProfile(key: "pk")
            #expect(try await store.deviceProfile(provisionKey: "pk") == profile)
            let plan = Make.plan("new-device", profile: profile)

            #expect(try await store.createProvisionedDevice(plan) == .created)
            let snapshot = try #require(
                try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: "new-device"))
            #expect(
                snapshot
                    == ProvisioningSnapshot(
                        device: plan.device, credentials: plan.credentials, provisionState: .string("provisioned")))
            let state = try await store.attributes(entityId: plan.device.id, scope: .server, keys: ["provisionState"])
            #expect(
                state == [
                    Attribute(key: "provisionState", value: .string("provisioned"), lastUpdateTs: plan.provisionedAt)
                ])
        }
    }

    @Test func refusedProvisioningWritesNothingWithoutGroupCommit() async throws {
        try await withStore(.init(groupCommit: false)) { store in
            let profile = try await store.seedProfile(key: "pk")
            #expect(try await store.createProvisionedDevice(Make.plan("a", profile: profile, token: "t1")) == .created)

            #expect(try await store.createProvisionedDevice(Make.plan("a", profile: profile)) == .nameTaken)
            #expect(
                try await store.createProvisionedDevice(Make.plan("b", profile: profile, token: "t1"))
                    == .credentialsTaken)
            #expect(try await store.count("devices") == 1)
            #expect(try await store.count("device_credentials") == 1)
            #expect(try await store.count("attributes") == 1)
        }
    }

    @Test func concurrentProvisioningOfOneNameCreatesExactlyOneDeviceWithoutGroupCommit() async throws {
        try await withStore(.init(groupCommit: false)) { store in
            let profile = try await store.seedProfile(key: "pk")
            let results = try await withThrowingTaskGroup(of: ProvisionedDeviceCreation.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await store.createProvisionedDevice(Make.plan("contested", profile: profile)) }
                }
                return try await group.reduce(into: [ProvisionedDeviceCreation]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == .created }.count == 1)
            #expect(results.filter { $0 == .nameTaken }.count == 49)
            #expect(try await store.count("devices") == 1)
            #expect(try await store.count("device_credentials") == 1)
            #expect(try await store.count("attributes") == 1)
        }
    }

    @Test func groupCommitKeepsEachPlanAllOrNothing() async throws {
        try await withStore(.init(groupCommit: true, maximumGroupSize: 16)) { store in
            let profile = try await store.seedProfile(key: "pk")
            // 100 distinct devices, every tenth reusing the token of the one before it.
            let plans = (0..<100).map { index in
                Make.plan(
                    "device-\(index)", profile: profile,
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
            #expect(try await store.count("devices") == created)
            #expect(try await store.count("device_credentials") == created)
            #expect(try await store.count("attributes") == created)
            for (index, result) in results where result == .created {
                let snapshot = try await store.provisioningSnapshot(
                    tenantId: profile.tenantId, deviceName: "device-\(index)")
                #expect(snapshot?.credentials?.credentialsId == plans[index].credentials.credentialsId)
            }
        }
    }
}
