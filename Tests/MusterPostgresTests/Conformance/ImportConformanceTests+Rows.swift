import Foundation
import MusterCore
import Testing

/// ``ImportStore`` on every store, row by row: what a created, updated or refused row writes (device or asset,
/// credentials, attributes of both scopes, samples and latest values), the merge of an update, and dry runs.
extension ImportConformanceTests {
    typealias H = ImportRowHarness

    @Test(arguments: StoreKind.allCases)
    func createsDevicesWithCredentialsAttributesAndTelemetry(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            let row = try H.row(
                "sensor-1", token: "token-1", label: "Kitchen", description: "first floor", gateway: true,
                server: ["serialNumber": .string("SN-01")], shared: ["fw": .string("1.2.0")],
                telemetry: ["temperature": .double(21.5)])
            let generated = try H.row("sensor-2")

            #expect(try await h.apply([row, generated], timestamp: 5_000) == [.created, .created])

            let device = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            #expect(device.id == row.newEntityId)
            #expect(device.type == h.deviceProfile.name)
            #expect(device.deviceProfileId == h.deviceProfile.id)
            #expect(device.label == "Kitchen")
            #expect(device.additionalInfo == .object(["description": .string("first floor"), "gateway": .bool(true)]))
            #expect(device.createdTime == 5_000)
            #expect(device.version == 1)
            let credentials = try #require(try await h.store.credentials(deviceId: device.id))
            #expect(credentials.id == row.newCredentialsId)
            #expect(credentials.type == .accessToken)
            #expect(credentials.credentialsId == "token-1")
            let stored = try await h.keyValues(of: device.id)
            #expect(stored.server == [Attribute(key: "serialNumber", value: .string("SN-01"), lastUpdateTs: 5_000)])
            #expect(stored.shared == [Attribute(key: "fw", value: .string("1.2.0"), lastUpdateTs: 5_000)])
            #expect(stored.latest == [TimeseriesPoint(key: "temperature", ts: 5_000, value: .double(21.5))])
            #expect(stored.samples == stored.latest)

            let second = try #require(try await h.store.device(name: "sensor-2", tenantId: h.tenantId))
            #expect(second.additionalInfo == nil)
            let token = try #require(try await h.store.credentials(deviceId: second.id))
            #expect(token.credentialsId == generated.generatedCredentials?.credentialsId)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updatesAnExistingDeviceAndKeepsItsCredentialsWithoutACredentialsCell(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            let first = try H.row(
                "sensor-1", token: "token-1", label: "Old", server: ["serialNumber": .string("SN-01")],
                telemetry: ["temperature": .double(20)])
            _ = try await h.apply([first], timestamp: 1_000)
            var device = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            device.additionalInfo = .object(["custom": .number("7"), "gateway": .bool(true)])
            #expect(try await h.store.updateDevice(device) == .saved)
            device.version += 1
            let credentialsBefore = try await h.store.credentials(deviceId: device.id)
            let other = try await h.addDeviceProfile(name: "meter")

            let again = try H.row(
                "sensor-1", label: "New", description: "moved", profile: ProfileReference(id: other.id, name: other.name),
                server: ["serialNumber": .string("SN-02")], shared: ["fw": .long(3)],
                telemetry: ["temperature": .double(22)])
            #expect(try await h.apply([again], update: true, timestamp: 2_000) == [.updated])

            let updated = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            #expect(updated.id == device.id)
            #expect(updated.label == "New")
            #expect(updated.type == "meter")
            #expect(updated.deviceProfileId == other.id)
            #expect(
                updated.additionalInfo
                    == .object(["custom": .number("7"), "gateway": .bool(true), "description": .string("moved")]))
            #expect(updated.version == device.version + 1)
            #expect(updated.createdTime == device.createdTime)
            #expect(try await h.store.credentials(deviceId: device.id) == credentialsBefore)
            let stored = try await h.keyValues(of: device.id)
            #expect(stored.server == [Attribute(key: "serialNumber", value: .string("SN-02"), lastUpdateTs: 2_000)])
            #expect(stored.shared == [Attribute(key: "fw", value: .long(3), lastUpdateTs: 2_000)])
            #expect(stored.latest == [TimeseriesPoint(key: "temperature", ts: 2_000, value: .double(22))])
            #expect(stored.samples.map(\.ts) == [1_000, 2_000])

            // A row with only a name keeps label, profile and additional info.
            #expect(try await h.apply([try H.row("sensor-1")], update: true, timestamp: 3_000) == [.updated])
            let kept = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            #expect(kept.label == "New" && kept.type == "meter" && kept.additionalInfo == updated.additionalInfo)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replacesCredentialsWhenTheRowHasThem(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            _ = try await h.apply([try H.row("sensor-1", token: "token-1")])
            let device = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            let before = try #require(try await h.store.credentials(deviceId: device.id))

            #expect(
                try await h.apply([try H.row("sensor-1", token: "token-2")], update: true)
                    == [.updatedCredentials(deviceId: device.id)]
            )

            let after = try #require(try await h.store.credentials(deviceId: device.id))
            #expect(after.id == before.id)
            #expect(after.credentialsId == "token-2")
            #expect(after.version == before.version + 1)
            #expect(try await h.store.device(credentialsId: "token-1") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anExistingDeviceWithoutUpdateIsReportedAndUntouched(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            let first = try H.row("sensor-1", token: "token-1", label: "Old", server: ["a": .long(1)])
            _ = try await h.apply([first], timestamp: 1_000)
            let device = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            let before = try await h.keyValues(of: device.id)

            let again = try H.row(
                "sensor-1", token: "token-2", label: "New", server: ["a": .long(2)], telemetry: ["temperature": .long(1)])
            #expect(try await h.apply([again], update: false, timestamp: 2_000) == [.alreadyExists])

            #expect(try await h.store.device(name: "sensor-1", tenantId: h.tenantId) == device)
            #expect(try await h.store.credentials(deviceId: device.id)?.credentialsId == "token-1")
            #expect(try await h.keyValues(of: device.id) == before)
            #expect(try await h.keyValues(of: again.newEntityId).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTakenTokenFailsOnlyItsRowAndWritesNothingOfIt(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            let telemetry: [String: AttributeValue] = ["temperature": .double(1)]
            let first = try H.row("sensor-1", line: 2, token: "same", server: ["a": .long(1)], telemetry: telemetry)
            let clash = try H.row("sensor-2", line: 3, token: "same", server: ["a": .long(2)], telemetry: telemetry)
            let third = try H.row("sensor-3", line: 4, token: "other", telemetry: telemetry)

            #expect(try await h.apply([first, clash, third]) == [.created, .credentialsTaken, .created])

            #expect(try await h.store.device(name: "sensor-2", tenantId: h.tenantId) == nil)
            #expect(try await h.store.credentials(deviceId: clash.newEntityId) == nil)
            #expect(try await h.keyValues(of: clash.newEntityId).isEmpty)
            #expect(try await h.store.device(credentialsId: "same")?.0.name == "sensor-1")
            #expect(try await h.store.device(name: "sensor-3", tenantId: h.tenantId) != nil)

            // In a later batch, and on the update path: the updated device stays as it was.
            let fresh = try H.row("sensor-4", token: "other")
            let update = try H.row("sensor-1", token: "other", label: "changed", server: ["a": .long(9)])
            let before = try await h.keyValues(of: first.newEntityId)
            #expect(try await h.apply([fresh, update], update: true, timestamp: 2_000) == [.credentialsTaken, .credentialsTaken])
            #expect(try await h.store.device(name: "sensor-4", tenantId: h.tenantId) == nil)
            let device = try #require(try await h.store.device(name: "sensor-1", tenantId: h.tenantId))
            #expect(device.label == nil && device.version == 1)
            #expect(try await h.store.credentials(deviceId: device.id)?.credentialsId == "same")
            #expect(try await h.keyValues(of: first.newEntityId) == before)
            // The undone rows are not counted either.
            let page = try await h.store.devices(tenantId: h.tenantId, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 2 && page.data.count == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDryRunReportsTheSameOutcomesAndWritesNothing(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            _ = try await h.apply([try H.row("existing", token: "taken", label: "kept")])
            let existing = try #require(try await h.store.device(name: "existing", tenantId: h.tenantId))
            let rows = [
                try H.row("new-1", token: "t-1", server: ["a": .long(1)], telemetry: ["temperature": .long(1)]),
                try H.row("new-2", token: "taken"),
                try H.row("existing", label: "changed"),
                try H.row("new-3", token: "t-1"),
            ]

            let dry = try await h.apply(rows, update: true, dryRun: true, timestamp: 2_000)

            #expect(dry == [.created, .credentialsTaken, .updated, .credentialsTaken])
            for name in ["new-1", "new-2", "new-3"] {
                #expect(try await h.store.device(name: name, tenantId: h.tenantId) == nil)
            }
            #expect(try await h.keyValues(of: rows[0].newEntityId).isEmpty)
            #expect(try await h.store.device(name: "existing", tenantId: h.tenantId) == existing)
            #expect(try await h.keyValues(of: existing.id).isEmpty)
            #expect(try await h.apply(rows, update: true, timestamp: 2_000) == dry)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func importsAssetsInTheirOwnTable(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            let asset = try H.row(
                "building-1", label: "HQ", description: "main", server: ["floors": .long(4)],
                telemetry: ["temperature": .double(19)], device: false)

            #expect(try await h.apply([asset], type: .asset, timestamp: 1_000) == [.created])
            let stored = try #require(try await h.store.asset(name: "building-1", tenantId: h.tenantId))
            #expect(stored.id == asset.newEntityId)
            #expect(stored.type == h.assetProfile.name && stored.assetProfileId == h.assetProfile.id)
            #expect(stored.label == "HQ" && stored.additionalInfo == .object(["description": .string("main")]))
            #expect(try await h.store.device(name: "building-1", tenantId: h.tenantId) == nil)
            #expect(try await h.keyValues(of: stored.id).server.map(\.key) == ["floors"])

            let again = try H.row("building-1", label: "Head office", device: false)
            #expect(try await h.apply([again], type: .asset, timestamp: 2_000) == [.alreadyExists])
            #expect(try await h.apply([again], type: .asset, update: true, timestamp: 2_000) == [.updated])
            let updated = try #require(try await h.store.asset(name: "building-1", tenantId: h.tenantId))
            #expect(updated.label == "Head office" && updated.version == 2)
            #expect(updated.additionalInfo == stored.additionalInfo)
        }
    }

    /// Rows apply in order: an earlier row that moves a stored device to other credentials frees its old ones for
    /// a later row of the same batch (no other row of the batch names them).
    @Test(arguments: StoreKind.allCases, [false, true])
    func credentialsFreedByAnEarlierRowAreFreeForALaterOne(_ kind: StoreKind, dryRun: Bool) async throws {
        try await H.with(kind) { h in
            _ = try await h.apply([try H.row("existing", token: "taken")])
            let existing = try #require(try await h.store.device(name: "existing", tenantId: h.tenantId))
            let outcomes = try await h.apply(
                [try H.row("existing", line: 2, token: "moved"), try H.row("after", line: 3, token: "taken")],
                update: true, dryRun: dryRun, timestamp: 2_000)
            #expect(outcomes == [.updatedCredentials(deviceId: existing.id), .created])
            if dryRun {
                #expect(try await h.store.device(name: "after", tenantId: h.tenantId) == nil)
                #expect(try await h.store.device(credentialsId: "taken")?.0.id == existing.id)
            } else {
                let created = try #require(try await h.store.device(name: "after", tenantId: h.tenantId))
                #expect(try await h.store.device(credentialsId: "taken")?.0.id == created.id)
                #expect(try await h.store.device(credentialsId: "moved")?.0.id == existing.id)
            }
        }
    }
}
