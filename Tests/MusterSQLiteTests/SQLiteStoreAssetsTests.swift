import Foundation
import MusterCore
import Testing

@testable import MusterSQLite

@Suite struct SQLiteStoreAssetsTests {
    @Test func assetsRoundTripUpdateAndDelete() async throws {
        try await withStore { store in
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            let profile = Make.assetProfile(tenantId: tenant.id)
            #expect(try await store.saveAssetProfile(profile) == .saved)
            var asset = Make.asset("HQ", profile: profile)
            #expect(try await store.insertAsset(asset) == .saved)
            #expect(try await store.asset(id: asset.id, tenantId: tenant.id) == asset)
            #expect(try await store.asset(name: "HQ", tenantId: tenant.id) == asset)
            #expect(try await store.asset(id: asset.id, tenantId: Make.id()) == nil)

            #expect(try await store.insertAsset(Make.asset("HQ", profile: profile)) == .nameTaken)
            var foreignProfile = Make.asset("x", profile: profile)
            foreignProfile.assetProfileId = Make.id()
            #expect(try await store.insertAsset(foreignProfile) == .notFound)

            asset.label = "Head office"
            #expect(try await store.updateAsset(asset) == .saved)
            #expect(try await store.asset(id: asset.id, tenantId: tenant.id)?.label == "Head office")
            var stranger = asset
            stranger.tenantId = Make.id()
            #expect(try await store.updateAsset(stranger) == .notFound)

            try await store.saveAttributes(
                entityId: asset.id, scope: .server, [Attribute(key: "k", value: .boolean(true), lastUpdateTs: 1)])
            #expect(try await store.deleteAsset(id: asset.id, tenantId: Make.id()) == false)
            #expect(try await store.deleteAsset(id: asset.id, tenantId: tenant.id))
            #expect(try await store.count("attributes") == 0)
        }
    }

    @Test func assetPagesFilterByProfileAndPrefix() async throws {
        try await withStore { store in
            let tenant = Make.tenant()
            try await store.insertTenant(tenant)
            let first = Make.assetProfile(tenantId: tenant.id)
            let second = Make.assetProfile(tenantId: tenant.id)
            for profile in [first, second] { #expect(try await store.saveAssetProfile(profile) == .saved) }
            for index in 0..<6 {
                let asset = Make.asset(
                    "room-\(index)", profile: index.isMultiple(of: 2) ? first : second,
                    createdTime: Make.now + Int64(index))
                #expect(try await store.insertAsset(asset) == .saved)
            }
            let page = try await store.assets(tenantId: tenant.id, profileId: first.id, PageLink(pageSize: 2, page: 0))
            #expect(page.data.map(\.name) == ["room-4", "room-2"])
            #expect(page.totalElements == 3)
            let search = try await store.assets(
                tenantId: tenant.id, profileId: nil, PageLink(pageSize: 10, page: 0, textSearch: "ROOM-1"))
            #expect(search.data.map(\.name) == ["room-1"])
        }
    }
}
