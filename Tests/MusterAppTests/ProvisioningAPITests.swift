import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `POST /api/v1/provision` over real sockets.
@Suite struct ProvisioningAPITests {
    private func makeProfile(_ server: TestServer, token: String, type: String, key: String) async throws {
        let reply = try await server.send("POST", "/api/deviceProfile", body: #"""
            {"name":"\#(key)-profile","provisionType":"\#(type)","provisionDeviceKey":"\#(key)",
             "profileData":{"provisionConfiguration":{"type":"\#(type)","provisionDeviceSecret":"\#(key)-secret"}}}
            """#, token: token)
        #expect(reply.status == 200)
    }

    @Test(arguments: TestStoreKind.allCases)
    func everyStatusIs200WithThingsBoardBodies(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            try await makeProfile(server, token: token, type: "ALLOW_CREATE_NEW_DEVICES", key: "allow")
            let success = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"allow","provisionDeviceSecret":"allow-secret","deviceName":"p1"}"#
            )
            #expect(success.status == 200)
            let answer = try success.json()
            #expect(answer["status"] == .string("SUCCESS"))
            #expect(answer["credentialsType"] == .string("ACCESS_TOKEN"))
            let issued = try #require(answer["credentialsValue"]?.stringValue)
            let resend = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"allow","provisionDeviceSecret":"allow-secret","deviceName":"p1"}"#
            )
            #expect(try resend.json()["credentialsValue"]?.stringValue == issued)

            let wrongSecret = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"allow","provisionDeviceSecret":"nope","deviceName":"p2"}"#
            )
            #expect(wrongSecret.status == 200)
            #expect(wrongSecret.text == #"{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}"#)

            try await makeProfile(server, token: token, type: "CHECK_PRE_PROVISIONED_DEVICES", key: "check")
            let missing = try await server.send(
                "POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"check","provisionDeviceSecret":"check-secret","deviceName":"ghost"}"#
            )
            #expect(missing.text == #"{"errorMsg":"Failed to provision device!","status":"FAILURE"}"#)

            let basic = try await server.send("POST", "/api/v1/provision", body: #"""
                {"provisionDeviceKey":"allow","provisionDeviceSecret":"allow-secret","deviceName":"p3","credentialsType":"MQTT_BASIC",
                 "clientId":"cid","username":"user","password":"pass"}
                """#)
            #expect(try basic.json()["credentialsValue"] == .object(["clientId": .string("cid"), "userName": .string("user"), "password": .string("pass")]))

            let telemetry = try await server.send("POST", "/api/v1/\(issued)/telemetry", body: #"{"temp":20}"#)
            #expect(telemetry.status == 200)

            let audit = try await server.send("GET", "/api/audit/logs?pageSize=50&page=0", token: token)
            #expect(audit.status == 200)
            // Audit entries are written in batches: poll (at most 5 s) until the refused attempt is there.
            var later = try await server.send("GET", "/api/audit/logs?pageSize=50&page=0&outcome=NOT_FOUND", token: token)
            for _ in 0..<100 where try later.json()["totalElements"] == .number("0") {
                try await Task.sleep(for: .milliseconds(50))
                later = try await server.send("GET", "/api/audit/logs?pageSize=50&page=0&outcome=NOT_FOUND", token: token)
            }
            #expect(try later.json()["totalElements"] == .number("1"))
            #expect(!later.text.contains("nope"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func malformedRequestsAre400AndTheServerKeepsServing(store: TestStoreKind) async throws {
        try await TestServer.run(settings: ["http.maxBodySize": "2048"], store: store) { server in
            for body in ["{", "[]", #"{"provisionDeviceSecret":"s"}"#, #"{"provisionDeviceKey":"k","provisionDeviceSecret":"s","credentialsType":"PSK"}"#] {
                let reply = try await server.send("POST", "/api/v1/provision", body: body)
                #expect(reply.status == 400, "\(body)")
                #expect(try reply.json()["message"] != nil)
            }
            let huge = try await server.send("POST", "/api/v1/provision", body: String(repeating: " ", count: 5000) + "{}")
            #expect(huge.status == 413)
            let health = try await server.send("POST", "/api/health", body: "{}")
            #expect(health.status == 200)
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func guessingIsRateLimitedWith429(store: TestStoreKind) async throws {
        try await TestServer.run(settings: ["provision.failureLimit": "3"], store: store) { server in
            for _ in 0..<3 {
                let reply = try await server.send("POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"k","provisionDeviceSecret":"guess"}"#)
                #expect(reply.status == 200)
            }
            let refused = try await server.send("POST", "/api/v1/provision", body: #"{"provisionDeviceKey":"k","provisionDeviceSecret":"guess"}"#)
            #expect(refused.status == 429)
            // The cooling-off period is 60 s from the third failure; a slow machine may answer a few seconds later.
            let retryAfter = try #require(refused.headers["retry-after"].flatMap { Int($0) })
            #expect((50...60).contains(retryAfter))
            #expect(try refused.json()["errorCode"] == .number("33"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func dataSurvivesARestart(store: TestStoreKind) async throws {
        let directory = try TemporaryDirectory()
        let settings = try await store.settings()
        try await TestServer.run(settings: settings, dataDirectory: directory) { server in
            let token = try await server.login()
            _ = try await server.send("POST", "/api/device", body: #"{"name":"kept"}"#, token: token)
        }
        try await TestServer.run(settings: settings, dataDirectory: directory) { server in
            #expect(server.bootstrap == nil)
            let token = try await server.login()
            let reply = try await server.send("GET", "/api/tenant/devices?deviceName=kept", token: token)
            #expect(reply.status == 200)
        }
    }
}
