import Foundation
import MusterCore
import Testing

/// ``ImportStore`` on every store: rows all or nothing in one batch, existing names, taken credentials, the
/// merge of updating imports, dry runs.
@Suite struct ImportConformanceTests {
    static let tenant = DeviceConformanceTests.tenant

    static func row(
        _ number: Int, _ name: String, token: String? = nil, label: String? = nil, description: String? = nil,
        profile: ProfileReference? = nil, server: [String: AttributeValue] = [:],
        telemetry: [String: AttributeValue] = [:], device: Bool = true
    ) throws -> ImportRow {
        var row = ImportRow(
            line: number, cells: [name], name: name, newEntityId: Fixed.id(number), newCredentialsId: Fixed.id(5000 + number),
            profileName: profile?.name, label: label, description: description,
            credentials: try token.map { try CredentialRules.accessToken($0) },
            attributes: server.sorted { $0.key < $1.key }.map { ImportKeyValue(scope: .server, key: $0.key, value: $0.value) },
            telemetry: telemetry.sorted { $0.key < $1.key }.map { ImportKeyValue(scope: nil, key: $0.key, value: $0.value) })
        row.profile = profile
        if device, row.credentials == nil { row.generatedCredentials = try CredentialRules.accessToken("generated-\(number)") }
        return row
    }

    static func batch(
        _ rows: [ImportRow], profile: ProfileReference, type: ImportEntityType = .device, update: Bool = false,
        dryRun: Bool = false
    ) -> ImportBatch {
        ImportBatch(
            tenantId: tenant.id, entityType: type, update: update, dryRun: dryRun, timestamp: 1_000,
            defaultProfile: profile, rows: rows)
    }

    static func seed(_ store: any StoreKind.Ports) async throws -> (ProfileReference, ProfileReference) {
        let (device, asset) = try await DeviceConformanceTests.seed(store)
        return (ProfileReference(id: device.id, name: device.name), ProfileReference(id: asset.id, name: asset.name))
    }

    @Test(arguments: StoreKind.allCases)
    func newRowsAreWrittenWholeAndRefusedRowsNotAtAll(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            let outcomes = try await store.applyImport(Self.batch([
                try Self.row(20, "a", token: "tok-a", label: "L", server: ["s": .long(1)], telemetry: ["t": .double(2)]),
                try Self.row(21, "b"),
                try Self.row(22, "c", token: "tok-a", server: ["s": .long(9)]),
            ], profile: profile))
            #expect(outcomes == [.created, .created, .credentialsTaken])
            let a = try #require(try await store.device(name: "a", tenantId: Self.tenant.id))
            #expect(a.label == "L" && a.type == profile.name && a.deviceProfileId == profile.id && a.createdTime == 1_000)
            #expect(try await store.device(credentialsId: "tok-a")?.0.id == a.id)
            #expect(try await store.device(credentialsId: "generated-21")?.0.name == "b")
            #expect(try await store.attributes(entityId: a.id, scope: .server, keys: nil) == [
                Attribute(key: "s", value: .long(1), lastUpdateTs: 1_000)
            ])
            #expect(try await store.latestTimeseries(entityId: a.id, keys: nil) == [
                TimeseriesPoint(key: "t", ts: 1_000, value: .double(2))
            ])
            #expect(try await store.device(name: "c", tenantId: Self.tenant.id) == nil)
            #expect(try await store.attributes(entityId: Fixed.id(22), scope: .server, keys: nil).isEmpty)
            let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 2)

            // Without update, an existing name is left alone.
            let again = try await store.applyImport(Self.batch([try Self.row(23, "a", label: "changed")], profile: profile))
            #expect(again == [.alreadyExists])
            #expect(try await store.device(name: "a", tenantId: Self.tenant.id) == a)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUpdatingImportMergesIntoTheExistingEntity(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            #expect(try await store.applyImport(Self.batch([
                try Self.row(20, "a", token: "old", label: "keep", description: "first", server: ["s": .long(1), "u": .boolean(true)]),
                try Self.row(21, "b", token: "theirs"),
            ], profile: profile)) == [.created, .created])
            let other = ProfileConformanceTests.deviceProfile(12, tenantId: Self.tenant.id, name: "Other")
            #expect(try await store.saveDeviceProfile(other) == .saved)

            let outcomes = try await store.applyImport(Self.batch([
                try Self.row(30, "a", description: "second", server: ["s": .string("x")]),
                try Self.row(31, "a", token: "new", profile: ProfileReference(id: other.id, name: other.name)),
                try Self.row(32, "b", token: "new"),
                try Self.row(33, "fresh"),
            ], profile: profile, update: true))
            #expect(outcomes == [.updated, .updatedCredentials(deviceId: Fixed.id(20)), .credentialsTaken, .created])
            let a = try #require(try await store.device(id: Fixed.id(20), tenantId: Self.tenant.id))
            #expect(a.label == "keep" && a.deviceProfileId == other.id && a.type == "Other" && a.version == 3)
            #expect(a.additionalInfo == .object(["description": .string("second")]))
            #expect(try await store.credentials(deviceId: a.id)?.credentialsId == "new")
            #expect(try await store.device(credentialsId: "old") == nil)
            #expect(try await store.credentials(deviceId: Fixed.id(21))?.credentialsId == "theirs")
            #expect(try await store.attributes(entityId: a.id, scope: .server, keys: nil) == [
                Attribute(key: "s", value: .string("x"), lastUpdateTs: 1_000),
                Attribute(key: "u", value: .boolean(true), lastUpdateTs: 1_000),
            ])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDryRunReportsOutcomesAndWritesNothing(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, assetProfile) = try await Self.seed(store)
            #expect(try await store.applyImport(Self.batch([try Self.row(20, "a", token: "t")], profile: profile)) == [.created])
            let outcomes = try await store.applyImport(Self.batch([
                try Self.row(21, "b", token: "u"), try Self.row(22, "a"), try Self.row(23, "c", token: "t"),
            ], profile: profile, dryRun: true))
            #expect(outcomes == [.created, .alreadyExists, .credentialsTaken])
            #expect(try await store.device(name: "b", tenantId: Self.tenant.id) == nil)
            let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 1)
            #expect(try await store.applyImport(Self.batch([], profile: profile)) == [])

            let assets = try await store.applyImport(Self.batch([
                try Self.row(40, "HQ", label: "x", server: ["k": .long(1)], device: false),
                try Self.row(41, "HQ", device: false),
            ], profile: assetProfile, type: .asset))
            #expect(assets == [.created, .alreadyExists])
            let hq = try #require(try await store.asset(name: "HQ", tenantId: Self.tenant.id))
            #expect(hq.label == "x" && hq.type == assetProfile.name)
            #expect(try await store.attributes(entityId: hq.id, scope: .server, keys: nil).count == 1)
        }
    }

    /// A batch of new rows as both stores write it in bulk: exact values (text with tabs, newlines and backslashes,
    /// doubles without a short decimal), the last of a repeated key, credentials held by a stored device
    /// (that row writes nothing), a name already stored, and a row repeating an earlier row's name.
    @Test(arguments: StoreKind.allCases)
    func aLargeBatchOfNewRowsIsWrittenExactly(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (profile, _) = try await Self.seed(store)
            #expect(try await store.applyImport(Self.batch([try Self.row(2, "stored", token: "held")], profile: profile)) == [.created])
            let awkward = "tab\there\nnew line\\back\\slash\r\u{00e9}"
            var rows = try (10..<310).map {
                try Self.row($0, "device-\($0)", label: $0 == 10 ? awkward : "label \($0)", server: ["n": .long(Int64($0))],
                    telemetry: ["t": .double(Double($0) / 3)])
            }
            rows[5].attributes.append(ImportKeyValue(scope: .shared, key: "json", value: .json("{\"a\":[1,\"\\t\"]}")))
            rows[5].attributes.append(ImportKeyValue(scope: .server, key: "n", value: .string(awkward)))
            rows[5].telemetry.append(ImportKeyValue(scope: nil, key: "tiny", value: .double(0.1 + 0.2 + 1e-300)))
            rows[5].telemetry.append(ImportKeyValue(scope: nil, key: "flag", value: .boolean(false)))
            rows[7].credentials = try CredentialRules.accessToken("held")
            rows[8] = try Self.row(8, "stored")
            rows[9] = try Self.row(9, "device-11")
            let outcomes = try await store.applyImport(Self.batch(rows, profile: profile))
            #expect(outcomes[7] == .credentialsTaken && outcomes[8] == .alreadyExists && outcomes[9] == .alreadyExists)
            #expect(outcomes.enumerated().allSatisfy { [7, 8, 9].contains($0.offset) || $0.element == .created })

            let first = try #require(try await store.device(name: "device-10", tenantId: Self.tenant.id))
            #expect(first.label == awkward && first.createdTime == 1_000 && first.deviceProfileId == profile.id)
            #expect(try await store.device(credentialsId: "generated-10")?.0.id == first.id)
            let fifth = Fixed.id(15)
            #expect(try await store.attributes(entityId: fifth, scope: .server, keys: nil) == [
                Attribute(key: "n", value: .string(awkward), lastUpdateTs: 1_000)
            ])
            #expect(try await store.attributes(entityId: fifth, scope: .shared, keys: nil) == [
                Attribute(key: "json", value: .json("{\"a\":[1,\"\\t\"]}"), lastUpdateTs: 1_000)
            ])
            let latest = try await store.latestTimeseries(entityId: fifth, keys: nil)
            #expect(latest.map(\.key) == ["flag", "t", "tiny"])
            #expect(latest[0].value == .boolean(false) && latest[1].value == .double(15.0 / 3))
            #expect(latest[2].value == .double(0.1 + 0.2 + 1e-300))
            #expect(try await store.latestTimeseries(entityId: Fixed.id(10), keys: ["t"]).first?.value == .double(10.0 / 3))
            #expect(try await store.latestTimeseries(entityId: Fixed.id(300), keys: nil) == [
                TimeseriesPoint(key: "t", ts: 1_000, value: .double(300.0 / 3))
            ])

            #expect(try await store.device(name: "device-17", tenantId: Self.tenant.id) == nil)
            #expect(try await store.attributes(entityId: Fixed.id(17), scope: .server, keys: nil).isEmpty)
            #expect(try await store.latestTimeseries(entityId: Fixed.id(17), keys: nil).isEmpty)
            #expect(try await store.device(credentialsId: "held")?.0.name == "stored")
            #expect(try await store.device(name: "stored", tenantId: Self.tenant.id)?.id == Fixed.id(2))
            let page = try await store.devices(tenantId: Self.tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0))
            #expect(page.totalElements == 1 + 297)
        }
    }
}
