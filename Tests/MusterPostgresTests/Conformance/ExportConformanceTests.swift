import Foundation
import MusterCore
import Testing

/// `ExportStore` over every store: keys with their value types, pages in name (byte) order after a cursor, the
/// profile filter, values of every kind, credentials only when asked, assets apart from devices.
@Suite struct ExportConformanceTests {
    typealias H = ImportRowHarness

    @Test(arguments: StoreKind.allCases)
    func pagesInNameOrderWithValuesAndCredentialsWhenAsked(_ kind: StoreKind) async throws {
        try await H.with(kind) { h in
            let other = try await h.addDeviceProfile(name: "other")
            let otherProfile = ProfileReference(id: other.id, name: other.name)
            _ = try await h.apply([
                try H.row("b-2", token: "tok-b2", label: "L", description: "d", gateway: true,
                          server: ["serial": .string("007"), "n": .long(7)], shared: ["ratio": .double(0.5)],
                          telemetry: ["t": .json(#"{"a":1}"#)]),
                try H.row("B-1", token: "tok-B1", server: ["n": .string("seven")]),
                try H.row("a-3", token: "tok-a3", profile: otherProfile, telemetry: ["t": .long(3)]),
                // A device without credentials (none generated).
                try H.row("a-4", device: false),
            ])
            _ = try await h.apply([try H.row("asset-1", server: ["n": .long(1)], device: false)], type: .asset)
            let devices = ExportSelection(tenantId: h.tenantId, entityType: .device)

            let keys = try await h.store.exportKeys(devices)
            #expect(keys == [
                ExportKey(kind: .serverAttribute, key: "n", valueTypes: [.long, .string]),
                ExportKey(kind: .serverAttribute, key: "serial", valueTypes: [.string]),
                ExportKey(kind: .sharedAttribute, key: "ratio", valueTypes: [.double]),
                ExportKey(kind: .telemetry, key: "t", valueTypes: [.json, .long]),
            ])

            let first = try await h.store.exportPage(devices, afterName: nil, limit: 2, withCredentials: false)
            #expect(first.map(\.name) == ["B-1", "a-3"], "byte order: upper case first")
            #expect(first.allSatisfy { $0.credentials == nil })
            let rest = try await h.store.exportPage(devices, afterName: "a-3", limit: 2, withCredentials: true)
            #expect(rest.map(\.name) == ["a-4", "b-2"])
            #expect(rest[0].credentials == nil && rest[0].values.isEmpty)
            let b2 = try #require(rest.last)
            #expect(b2.type == h.deviceProfile.name && b2.label == "L")
            #expect(b2.additionalInfo?["gateway"] == .bool(true) && b2.additionalInfo?["description"] == .string("d"))
            #expect(Set(b2.values) == [
                ExportedValue(kind: .serverAttribute, key: "serial", value: .string("007")),
                ExportedValue(kind: .serverAttribute, key: "n", value: .long(7)),
                ExportedValue(kind: .sharedAttribute, key: "ratio", value: .double(0.5)),
                ExportedValue(kind: .telemetry, key: "t", value: .json(#"{"a":1}"#)),
            ])
            #expect(b2.credentials == CredentialsMaterial(type: .accessToken, credentialsId: "tok-b2", credentialsValue: nil))
            #expect(try await h.store.exportPage(devices, afterName: "b-2", limit: 2, withCredentials: true).isEmpty)

            var ofOther = devices
            ofOther.profileId = other.id
            let filtered = try await h.store.exportPage(ofOther, afterName: nil, limit: 10, withCredentials: false)
            #expect(filtered.map(\.name) == ["a-3"] && filtered[0].type == "other")
            #expect(try await h.store.exportKeys(ofOther) == [ExportKey(kind: .telemetry, key: "t", valueTypes: [.long])])

            let assets = ExportSelection(tenantId: h.tenantId, entityType: .asset)
            let assetPage = try await h.store.exportPage(assets, afterName: nil, limit: 10, withCredentials: true)
            #expect(assetPage.map(\.name) == ["asset-1"] && assetPage[0].credentials == nil)
            #expect(assetPage[0].values == [ExportedValue(kind: .serverAttribute, key: "n", value: .long(1))])
            let elsewhere = ExportSelection(tenantId: UUID(), entityType: .device)
            #expect(try await h.store.exportPage(elsewhere, afterName: nil, limit: 10, withCredentials: true).isEmpty)
            #expect(try await h.store.exportKeys(elsewhere).isEmpty)
        }
    }
}
