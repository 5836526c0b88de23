import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Tenant B's administrator can neither read, change nor delete anything of tenant A over HTTP, whatever id it
/// names: devices, credentials, profiles, assets, asset profiles, import jobs, audit entries, attributes and time
/// series. Each refused write is checked to have changed nothing, each refused DELETE to have left the entity.
@Suite struct TenantIsolationTests {
    /// Tenant A's entities and both administrators' tokens.
    struct World {
        let server: TestServer
        let tokenA: String
        let tokenB: String
        let deviceId: String
        let deviceProfileId: String
        let assetId: String
        let assetProfileId: String
        let jobId: String
    }

    private func world(_ server: TestServer) async throws -> World {
        let logins = try #require(server.bootstrap)
        let system = try await server.login(email: logins.systemAdminEmail, password: logins.systemAdminPassword)
        let tenant = try await server.send("POST", "/api/tenant", body: #"{"title":"Tenant B"}"#, token: system)
        let tenantId = try #require(try tenant.json()["id"]?["id"]?.stringValue)
        let user = try await server.send(
            "POST", "/api/user",
            body: #"{"email":"b@muster.test","authority":"TENANT_ADMIN","tenantId":{"entityType":"TENANT","id":"\#(tenantId)"},"password":"b-password-1"}"#,
            token: system
        )
        #expect(user.status == 200, "\(user.text)")
        let tokenA = try await server.login()
        let tokenB = try await server.login(email: "b@muster.test", password: "b-password-1")

        let profile = try await server.send(
            "POST", "/api/deviceProfile",
            body: #"{"name":"A Meters","provisionType":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceKey":"a-key","profileData":{"provisionConfiguration":{"type":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceSecret":"a-secret"}}}"#,
            token: tokenA)
        let deviceProfileId = try #require(try profile.json()["id"]?["id"]?.stringValue, "\(profile.text)")
        let device = try await server.send(
            "POST", "/api/device?accessToken=a-token-1",
            body: #"{"name":"A-1","deviceProfileId":{"entityType":"DEVICE_PROFILE","id":"\#(deviceProfileId)"}}"#, token: tokenA)
        let deviceId = try #require(try device.json()["id"]?["id"]?.stringValue, "\(device.text)")
        let attributes = try await server.send(
            "POST", "/api/plugins/telemetry/DEVICE/\(deviceId)/attributes/SERVER_SCOPE", body: #"{"room":"room-101"}"#, token: tokenA)
        #expect(attributes.status == 200)
        let telemetry = try await server.send("POST", "/api/v1/a-token-1/telemetry", body: #"{"temp":21.5}"#)
        #expect(telemetry.status == 200)
        // A provisioning attempt of A's, so that A has audit entries.
        let provision = try await server.send(
            "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"a-key","provisionDeviceSecret":"a-secret","deviceName":"A-2"}"#)
        #expect(provision.status == 200)

        let assetProfile = try await server.send("POST", "/api/assetProfile", body: #"{"name":"A Buildings"}"#, token: tokenA)
        let assetProfileId = try #require(try assetProfile.json()["id"]?["id"]?.stringValue, "\(assetProfile.text)")
        let asset = try await server.send(
            "POST", "/api/asset",
            body: #"{"name":"A-House","assetProfileId":{"entityType":"ASSET_PROFILE","id":"\#(assetProfileId)"}}"#, token: tokenA)
        let assetId = try #require(try asset.json()["id"]?["id"]?.stringValue, "\(asset.text)")

        let boundary = "isolation-boundary"
        let mapping = #"{"entityType":"DEVICE","columns":[{"type":"NAME"},{"type":"TYPE"}],"delimiter":",","header":true,"update":false}"#
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n\(mapping)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname,type\nA-3,Meter\nA-1,Meter\n\r\n"
            + "--\(boundary)--\r\n"
        let job = try await server.send(
            "POST", "/api/imports", bytes: Data(body.utf8), token: tokenA,
            headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
        let jobId = try #require(try job.json()["id"]?.stringValue, "\(job.text)")
        return World(
            server: server, tokenA: tokenA, tokenB: tokenB, deviceId: deviceId, deviceProfileId: deviceProfileId,
            assetId: assetId, assetProfileId: assetProfileId, jobId: jobId)
    }

    @Test func readsOfAnotherTenantsEntitiesAre404() async throws {
        try await TestServer.run { server in
            let w = try await world(server)
            let telemetry = "/api/plugins/telemetry/DEVICE/\(w.deviceId)"
            for path in [
                "/api/device/\(w.deviceId)", "/api/device/info/\(w.deviceId)", "/api/device/\(w.deviceId)/credentials",
                "/api/deviceProfile/\(w.deviceProfileId)", "/api/deviceProfileInfo/\(w.deviceProfileId)",
                "/api/asset/\(w.assetId)", "/api/asset/info/\(w.assetId)",
                "/api/assetProfile/\(w.assetProfileId)", "/api/assetProfileInfo/\(w.assetProfileId)",
                "/api/imports/\(w.jobId)", "/api/imports/\(w.jobId)/errors.csv",
                "\(telemetry)/values/attributes", "\(telemetry)/values/attributes/SERVER_SCOPE",
                "\(telemetry)/keys/attributes", "\(telemetry)/values/timeseries?keys=temp",
                "\(telemetry)/values/timeseries/history?keys=temp&startTs=0&endTs=9999999999999",
                "\(telemetry)/keys/timeseries",
                "/api/plugins/telemetry/ASSET/\(w.assetId)/values/attributes",
            ] {
                let reply = try await server.send("GET", path, token: w.tokenB)
                #expect(reply.status == 404, "GET \(path) → \(reply.status) \(reply.text)")
                #expect(!reply.text.contains("A-1") && !reply.text.contains("21.5") && !reply.text.contains("room-101"), "\(path)")
            }
            // Lists and by-name lookups show B nothing of A's.
            for path in [
                "/api/tenant/device?deviceName=A-1", "/api/tenant/asset?assetName=A-House",
            ] {
                #expect(try await server.send("GET", path, token: w.tokenB).status == 404, "\(path)")
            }
            for path in [
                "/api/tenant/devices?pageSize=50&page=0", "/api/tenant/assets?pageSize=50&page=0",
                "/api/deviceProfiles?pageSize=50&page=0", "/api/assetProfiles?pageSize=50&page=0",
                "/api/audit/logs?pageSize=50&page=0", "/api/imports",
            ] {
                let reply = try await server.send("GET", path, token: w.tokenB)
                #expect(reply.status == 200, "\(path)")
                for leak in ["A-1", "A-2", "A-House", "A Meters", "A Buildings", w.jobId, w.deviceId] {
                    #expect(!reply.text.contains(leak), "\(path) shows \(leak)")
                }
            }
        }
    }

    @Test func writesAndDeletesOfAnotherTenantsEntitiesChangeNothing() async throws {
        try await TestServer.run { server in
            let w = try await world(server)
            let telemetry = "/api/plugins/telemetry/DEVICE/\(w.deviceId)"
            let writes: [(String, String, String?)] = [
                ("POST", "\(telemetry)/attributes/SERVER_SCOPE", #"{"room":"666"}"#),
                ("POST", "\(telemetry)/SHARED_SCOPE", #"{"mode":"evil"}"#),
                ("POST", "\(telemetry)/timeseries/ANY", #"{"temp":-1}"#),
                ("DELETE", "\(telemetry)/SERVER_SCOPE?keys=room", nil),
                (
                    "POST", "/api/device/credentials",
                    #"{"deviceId":{"entityType":"DEVICE","id":"\#(w.deviceId)"},"credentialsType":"ACCESS_TOKEN","credentialsId":"stolen"}"#
                ),
                ("POST", "/api/device", #"{"id":{"entityType":"DEVICE","id":"\#(w.deviceId)"},"name":"B-owned"}"#),
                ("POST", "/api/asset", #"{"id":{"entityType":"ASSET","id":"\#(w.assetId)"},"name":"B-owned"}"#),
                ("POST", "/api/deviceProfile", #"{"id":{"entityType":"DEVICE_PROFILE","id":"\#(w.deviceProfileId)"},"name":"B-owned"}"#),
                ("POST", "/api/assetProfile", #"{"id":{"entityType":"ASSET_PROFILE","id":"\#(w.assetProfileId)"},"name":"B-owned"}"#),
                ("POST", "/api/deviceProfile/\(w.deviceProfileId)/default", nil),
                ("DELETE", "/api/imports/\(w.jobId)", nil),
                ("DELETE", "/api/device/\(w.deviceId)", nil),
                ("DELETE", "/api/asset/\(w.assetId)", nil),
                ("DELETE", "/api/deviceProfile/\(w.deviceProfileId)", nil),
                ("DELETE", "/api/assetProfile/\(w.assetProfileId)", nil),
            ]
            for (method, path, body) in writes {
                let reply = try await server.send(method, path, body: body, token: w.tokenB)
                #expect((400..<500).contains(reply.status), "\(method) \(path) → \(reply.status) \(reply.text)")
            }

            // Everything of A's is still there, unchanged.
            let a = w.tokenA
            let device = try await server.send("GET", "/api/device/\(w.deviceId)", token: a)
            #expect(try device.json()["name"] == .string("A-1"), "\(device.text)")
            let credentials = try await server.send("GET", "/api/device/\(w.deviceId)/credentials", token: a)
            #expect(try credentials.json()["credentialsId"] == .string("a-token-1"))
            let room = try await server.send("GET", "\(telemetry)/values/attributes/SERVER_SCOPE?keys=room", token: a)
            #expect(try room.json()[0]?["value"] == .string("room-101"), "\(room.text)")
            let shared = try await server.send("GET", "\(telemetry)/values/attributes/SHARED_SCOPE", token: a)
            #expect(try shared.json() == .array([]), "\(shared.text)")
            let temp = try await server.send("GET", "\(telemetry)/values/timeseries?keys=temp&useStrictDataTypes=true", token: a)
            #expect(try temp.json()["temp"]?[0]?["value"] == .number("21.5"), "\(temp.text)")
            let asset = try await server.send("GET", "/api/asset/\(w.assetId)", token: a)
            #expect(try asset.json()["name"] == .string("A-House"))
            let profile = try await server.send("GET", "/api/deviceProfile/\(w.deviceProfileId)", token: a)
            #expect(try profile.json()["name"] == .string("A Meters"))
            #expect(try profile.json()["default"] == .bool(false))
            let assetProfile = try await server.send("GET", "/api/assetProfile/\(w.assetProfileId)", token: a)
            #expect(try assetProfile.json()["name"] == .string("A Buildings"))
            let job = try await server.send("GET", "/api/imports/\(w.jobId)", token: a)
            #expect(try job.json()["cancelRequested"] == .bool(false), "\(job.text)")
            // The old token still authenticates A's device.
            let post = try await server.send("POST", "/api/v1/a-token-1/telemetry", body: #"{"temp":22}"#)
            #expect(post.status == 200)
        }
    }
}
