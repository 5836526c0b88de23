import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// The admin REST API over real sockets, against the server built by the composition root.
@Suite struct AdminAPITests {
    @Test(arguments: TestStoreKind.allCases)
    func loginAndErrorShape(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let bad = try await server.send("POST", "/api/auth/login", body: #"{"username":"tenant@muster.test","password":"nope"}"#)
            #expect(bad.status == 401)
            let error = try bad.json()
            #expect(error["status"] == .number("401"))
            #expect(error["errorCode"] == .number("10"))
            #expect(error["message"] == .string("Invalid username or password"))
            #expect(bad.headers["content-type"] == "application/json")

            let unauthenticated = try await server.send("GET", "/api/deviceProfiles?pageSize=10&page=0")
            #expect(unauthenticated.status == 401)
            let token = try await server.login()
            let viaAuthorization = try await server.send(
                "GET", "/api/auth/user", headers: ["Authorization": "Bearer \(token)"]
            )
            #expect(viaAuthorization.status == 200)
            #expect(try viaAuthorization.json()["authority"] == .string("TENANT_ADMIN"))
            let tampered = try await server.send("GET", "/api/auth/user", token: token + "x")
            #expect(tampered.status == 401)
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func profilesDevicesAndCredentials(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let profileBody = #"""
                {"name":"Thermostats","type":"DEFAULT","transportType":"DEFAULT","provisionType":"ALLOW_CREATE_NEW_DEVICES",
                 "provisionDeviceKey":"key-thermo","profileData":{"configuration":{"type":"DEFAULT"},
                 "transportConfiguration":{"type":"DEFAULT"},
                 "provisionConfiguration":{"type":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceSecret":"secret-thermo"}}}
                """#
            let created = try await server.send("POST", "/api/deviceProfile", body: profileBody, token: token)
            #expect(created.status == 200)
            let profile = try created.json()
            #expect(profile["id"]?["entityType"] == .string("DEVICE_PROFILE"))
            #expect(profile["provisionType"] == .string("ALLOW_CREATE_NEW_DEVICES"))
            #expect(profile["profileData"]?["provisionConfiguration"]?["provisionDeviceSecret"] == .string("secret-thermo"))
            #expect(profile["default"] == .bool(false))

            let duplicateKey = try await server.send(
                "POST", "/api/deviceProfile", body: profileBody.replacingOccurrences(of: "Thermostats", with: "Other"), token: token
            )
            #expect(duplicateKey.status == 400)
            #expect(try duplicateKey.json()["message"] == .string("Device profile with such provision device key already exists!"))

            let device = try await server.send("POST", "/api/device?accessToken=tok-123", body: #"{"name":"Device A","type":"Thermostats"}"#, token: token)
            #expect(device.status == 200)
            let deviceId = try #require(try device.json()["id"]?["id"]?.stringValue)
            let credentials = try await server.send("GET", "/api/device/\(deviceId)/credentials", token: token)
            #expect(try credentials.json()["credentialsId"] == .string("tok-123"))
            #expect(try credentials.json()["credentialsType"] == .string("ACCESS_TOKEN"))

            let sameName = try await server.send("POST", "/api/device", body: #"{"name":"Device A"}"#, token: token)
            #expect(sameName.status == 400)
            #expect(try sameName.json()["message"] == .string("Device with such name already exists!"))

            var changed = try credentials.json().objectValue!
            changed["credentialsType"] = .string("MQTT_BASIC")
            changed["credentialsValue"] = .string(#"{"clientId":"c1","userName":"u1","password":"p1"}"#)
            let updated = try await server.send("POST", "/api/device/credentials", body: JSONValue.object(changed).serialized, token: token)
            #expect(updated.status == 200)
            #expect(try updated.json()["credentialsId"] == .string(SHA3Hash.hex("c1|u1")))

            changed["credentialsValue"] = .string(#"{"password":"p"}"#)
            let invalid = try await server.send("POST", "/api/device/credentials", body: JSONValue.object(changed).serialized, token: token)
            #expect(invalid.status == 400)
            #expect(try invalid.json()["message"] == .string("Both mqtt client id and user name are empty!"))

            let byName = try await server.send("GET", "/api/tenant/devices?deviceName=Device%20A", token: token)
            #expect(try byName.json()["id"]?["id"]?.stringValue == deviceId)
            let page = try await server.send("GET", "/api/tenant/deviceInfos?pageSize=10&page=0&textSearch=dev", token: token)
            #expect(try page.json()["totalElements"] == .number("1"))
            #expect(try page.json()["data"] != nil)

            let deleteProfile = try await server.send("DELETE", "/api/deviceProfile/\(profile["id"]!["id"]!.stringValue!)", token: token)
            #expect(deleteProfile.status == 400)
            #expect(try deleteProfile.json()["message"] == .string("The device profile referenced by the devices cannot be deleted!"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func badInputGetsClearErrorsAndNothingIsWritten(store: TestStoreKind) async throws {
        try await TestServer.run(settings: ["http.maxBodySize": "4096"], store: store) { server in
            let token = try await server.login()
            let malformed = try await server.send("POST", "/api/device", body: #"{"name": "x""#, token: token)
            #expect(malformed.status == 400)
            #expect(try malformed.json()["message"]?.stringValue?.contains("not valid JSON") == true)
            let missing = try await server.send("POST", "/api/device", body: #"{"label":"x"}"#, token: token)
            #expect(missing.status == 400)
            #expect(try missing.json()["message"]?.stringValue?.contains("name") == true)
            let longName = try await server.send("POST", "/api/device", body: #"{"name":"\#(String(repeating: "n", count: 256))"}"#, token: token)
            #expect(longName.status == 400)
            let control = try await server.send("POST", "/api/device", body: #"{"name":"a\u0001b"}"#, token: token)
            #expect(control.status == 400)
            let badEnum = try await server.send(
                "POST", "/api/deviceProfile", body: #"{"name":"p","provisionType":"SOMETIMES"}"#, token: token
            )
            #expect(badEnum.status == 400)
            let oversized = try await server.send(
                "POST", "/api/device", body: #"{"name":"big","label":"\#(String(repeating: "x", count: 8000))"}"#, token: token
            )
            #expect(oversized.status == 413)
            let list = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
            #expect(try list.json()["totalElements"] == .number("0"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func tenantsAreIsolated(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let logins = try #require(server.bootstrap)
            let system = try await server.login(email: logins.systemAdminEmail, password: logins.systemAdminPassword)
            let tenant = try await server.send("POST", "/api/tenant", body: #"{"title":"Tenant B"}"#, token: system)
            let tenantId = try #require(try tenant.json()["id"]?["id"]?.stringValue)
            let user = try await server.send(
                "POST", "/api/user",
                body: #"{"email":"b@muster.test","authority":"TENANT_ADMIN","tenantId":{"entityType":"TENANT","id":"\#(tenantId)"},"password":"b-password-1"}"#,
                token: system
            )
            #expect(user.status == 200)
            let tokenA = try await server.login()
            let tokenB = try await server.login(email: "b@muster.test", password: "b-password-1")
            let device = try await server.send("POST", "/api/device", body: #"{"name":"Shared Name"}"#, token: tokenA)
            let deviceId = try #require(try device.json()["id"]?["id"]?.stringValue)
            for (method, path) in [
                ("GET", "/api/device/\(deviceId)"), ("GET", "/api/device/\(deviceId)/credentials"), ("DELETE", "/api/device/\(deviceId)"),
                ("GET", "/api/plugins/telemetry/DEVICE/\(deviceId)/values/attributes"),
            ] {
                let reply = try await server.send(method, path, token: tokenB)
                #expect(reply.status == 404, "\(method) \(path)")
            }
            let sameNameInB = try await server.send("POST", "/api/device", body: #"{"name":"Shared Name"}"#, token: tokenB)
            #expect(sameNameInB.status == 200)
            let systemSeesNoDevices = try await server.send("GET", "/api/device/\(deviceId)", token: system)
            #expect(systemSeesNoDevices.status == 403)
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func attributesAndTelemetry(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let device = try await server.send("POST", "/api/device?accessToken=dev-token-1", body: #"{"name":"T1"}"#, token: token)
            let id = try #require(try device.json()["id"]?["id"]?.stringValue)
            let save = try await server.send(
                "POST", "/api/plugins/telemetry/DEVICE/\(id)/attributes/SHARED_SCOPE", body: #"{"fw":"1.2","interval":30}"#,
                token: token, headers: ["Content-Type": "text/plain"]
            )
            #expect(save.status == 200)
            let read = try await server.send("GET", "/api/v1/dev-token-1/attributes?sharedKeys=fw,interval")
            #expect(try read.json()["shared"] == .object(["fw": .string("1.2"), "interval": .number("30")]))
            let telemetry = try await server.send("POST", "/api/v1/dev-token-1/telemetry", body: #"{"ts":1700000000000,"values":{"temp":21.5}}"#)
            #expect(telemetry.status == 200)
            #expect(telemetry.body.isEmpty)
            let latest = try await server.send("GET", "/api/plugins/telemetry/DEVICE/\(id)/values/timeseries?keys=temp", token: token)
            #expect(try latest.json()["temp"] == .array([.object(["ts": .number("1700000000000"), "value": .string("21.5")])]))
            let unknown = try await server.send("POST", "/api/v1/no-such-token/telemetry", body: "{}")
            #expect(unknown.status == 401)
            #expect(unknown.body.isEmpty)
            let badPayload = try await server.send("POST", "/api/v1/dev-token-1/telemetry", body: "[1,2]")
            #expect(badPayload.status == 400)
        }
    }
}
