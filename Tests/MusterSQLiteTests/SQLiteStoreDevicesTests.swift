import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStoreDevicesTests {
    @Test func deviceAndCredentialsRoundTrip() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            var device = Make.device("sensor-1", profile: profile, label: "Kitchen")
            device.additionalInfo = .object(["gateway": .bool(true), "description": .string("ü"), "n": .number("1e3")])
            let basic = try CredentialRules.mqttBasic(MQTTBasicCredentials(clientId: "c", userName: "u", password: "p"))
            let credentials = DeviceCredentials(
                id: Make.id(), deviceId: device.id, createdTime: Make.now, type: basic.type,
                credentialsId: basic.credentialsId, credentialsValue: basic.credentialsValue
            )
            #expect(try await store.insertDevice(device, credentials: credentials) == .saved)

            #expect(try await store.device(id: device.id, tenantId: profile.tenantId) == device)
            #expect(try await store.device(name: "sensor-1", tenantId: profile.tenantId) == device)
            #expect(try await store.credentials(deviceId: device.id) == credentials)
            let found = try #require(try await store.device(credentialsId: basic.credentialsId))
            #expect(found.0 == device)
            #expect(found.1 == credentials)
            #expect(try await store.device(credentialsId: "nope") == nil)
        }
    }

    @Test func eachUniquenessConstraintIsReportedWithNothingWritten() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            try await store.seedDevice(Make.device("taken", profile: profile), token: "token-1")

            let sameName = Make.device("taken", profile: profile)
            #expect(try await store.insertDevice(sameName, credentials: Make.credentials(for: sameName)) == .nameTaken)
            let sameToken = Make.device("fresh", profile: profile)
            #expect(
                try await store.insertDevice(sameToken, credentials: Make.credentials(for: sameToken, token: "token-1"))
                    == .credentialsTaken)
            #expect(try await store.count("devices") == 1)
            #expect(try await store.count("device_credentials") == 1)
            #expect(try await store.device(name: "fresh", tenantId: profile.tenantId) == nil)
        }
    }

    @Test func aDeviceCannotUseAnotherTenantsProfile() async throws {
        try await withStore { store in
            let mine = try await store.seedProfile()
            let theirs = try await store.seedProfile()
            var device = Make.device("d", profile: mine)
            device.deviceProfileId = theirs.id
            #expect(try await store.insertDevice(device, credentials: Make.credentials(for: device)) == .notFound)
            #expect(try await store.count("devices") == 0)
        }
    }

    @Test func updateChangesFieldsWithinTheTenantOnly() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            let other = Make.deviceProfile(tenantId: profile.tenantId, name: "Other profile")
            #expect(try await store.saveDeviceProfile(other) == .saved)
            var device = Make.device("d1", profile: profile)
            try await store.seedDevice(device)
            try await store.seedDevice(Make.device("d2", profile: profile))

            device.name = "d1-renamed"
            device.label = nil
            device.deviceProfileId = other.id
            device.type = other.name
            device.additionalInfo = nil
            #expect(try await store.updateDevice(device) == .saved)
            var expected = device
            expected.version = 2
            #expect(try await store.device(id: device.id, tenantId: profile.tenantId) == expected)

            // Optimistic locking: an update based on a version that is no longer stored changes nothing.
            device.label = "stale"
            #expect(try await store.updateDevice(device) == .notFound)
            #expect(try await store.device(id: device.id, tenantId: profile.tenantId) == expected)
            device.label = nil
            device.version = expected.version

            device.name = "d2"
            #expect(try await store.updateDevice(device) == .nameTaken)
            var foreign = device
            foreign.name = "x"
            foreign.tenantId = Make.id()
            #expect(try await store.updateDevice(foreign) == .notFound)
            #expect(try await store.device(id: device.id, tenantId: profile.tenantId)?.name == "d1-renamed")
        }
    }

    @Test func replaceCredentialsKeepsTheRowIdAndRefusesTakenIds() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            let device = Make.device("d1", profile: profile)
            let original = try await store.seedDevice(device, token: "old")
            try await store.seedDevice(Make.device("d2", profile: profile), token: "theirs")

            let material = try CredentialRules.x509("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
            guard case .saved(let replaced) = try await store.replaceCredentials(deviceId: device.id, with: material)
            else {
                Issue.record("not saved")
                return
            }
            #expect(replaced.id == original.id)
            #expect(replaced.material == material)
            #expect(replaced.version == 2)
            #expect(try await store.device(credentialsId: "old") == nil)
            #expect(try await store.credentials(deviceId: device.id) == replaced)

            let taken = CredentialsMaterial(type: .accessToken, credentialsId: "theirs", credentialsValue: nil)
            #expect(try await store.replaceCredentials(deviceId: device.id, with: taken) == .credentialsTaken)
            #expect(try await store.replaceCredentials(deviceId: Make.id(), with: taken) == .notFound)
            #expect(try await store.credentials(deviceId: device.id) == replaced)
        }
    }

    @Test func deletingADeviceDeletesItsCredentialsAttributesAndTimeseries() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            let device = Make.device("doomed", profile: profile)
            let keeper = Make.device("keeper", profile: profile)
            for item in [device, keeper] {
                try await store.seedDevice(item)
                try await store.saveAttributes(
                    entityId: item.id, scope: .shared, [Attribute(key: "a", value: .long(1), lastUpdateTs: 1)])
                try await store.saveTimeseries(entityId: item.id, [TimeseriesPoint(key: "t", ts: 1, value: .double(2))])
            }

            #expect(try await store.deleteDevice(id: device.id, tenantId: Make.id()) == false)
            #expect(try await store.deleteDevice(id: device.id, tenantId: profile.tenantId))
            #expect(try await store.deleteDevice(id: device.id, tenantId: profile.tenantId) == false)

            #expect(try await store.credentials(deviceId: device.id) == nil)
            #expect(try await store.attributes(entityId: device.id, scope: .shared, keys: nil).isEmpty)
            #expect(try await store.latestTimeseries(entityId: device.id, keys: nil).isEmpty)
            #expect(try await store.count("device_credentials") == 1)
            #expect(try await store.count("attributes") == 1)
            #expect(try await store.count("ts_kv") == 1)
            #expect(try await store.count("ts_kv_latest") == 1)
        }
    }

    @Test func anotherTenantSeesNothing() async throws {
        try await withStore { store in
            let profile = try await store.seedProfile()
            let device = Make.device("mine", profile: profile)
            try await store.seedDevice(device)
            let stranger = Make.id()

            #expect(try await store.device(id: device.id, tenantId: stranger) == nil)
            #expect(try await store.device(name: "mine", tenantId: stranger) == nil)
            #expect(
                try await store.devices(tenantId: stranger, profileId: nil, PageLink(pageSize: 10, page: 0))
                    .totalElements == 0)
            #expect(try await store.deviceProfile(id: profile.id, tenantId: stranger) == nil)
            #expect(try await store.provisioningSnapshot(tenantId: stranger, deviceName: "mine") == nil)
            #expect(try await store.deleteDevice(id: device.id, tenantId: stranger) == false)
            #expect(try await store.device(id: device.id, tenantId: profile.tenantId) == device)
        }
    }
}
