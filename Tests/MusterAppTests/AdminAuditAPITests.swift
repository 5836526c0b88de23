import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Admin actions in the audit log, over real sockets against the server the composition root builds: who did what,
/// from where, what changed (never a secret), and the filters by action, actor and tenant.
@Suite struct AdminAuditAPITests {
    /// Polls the audit log (entries are written in batches) until `path`'s page holds `count` entries (5 s at most).
    private func entries(_ server: TestServer, _ query: String, token: String, count: Int) async throws -> [JSONValue] {
        var data: [JSONValue] = []
        for _ in 0..<100 {
            let reply = try await server.send("GET", "/api/audit/logs?pageSize=100&page=0&\(query)", token: token)
            #expect(reply.status == 200, "\(reply.text)")
            if case .array(let found)? = try reply.json()["data"] { data = found }
            if data.count >= count { return data }
            try await Task.sleep(for: .milliseconds(50))
        }
        return data
    }

    /// `value` with the member at `path` replaced by `member`.
    private static func setting(_ value: JSONValue, _ path: [String], to member: JSONValue) -> JSONValue {
        guard let key = path.first, var members = value.objectValue else { return member }
        members[key] = setting(members[key] ?? .object([:]), Array(path.dropFirst()), to: member)
        return .object(members)
    }

    @Test(arguments: TestStoreKind.allCases)
    func adminActionsAreAuditedWithTheirActorAndNeverASecret(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let secret = "audit-secret-0123"
            let created = try await server.send(
                "POST", "/api/deviceProfile",
                body: #"{"name":"Audited","provisionType":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceKey":"audit-key","profileData":{"provisionConfiguration":{"type":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceSecret":"\#(secret)"}}}"#,
                token: token)
            #expect(created.status == 200, "\(created.text)")
            var profile = try created.json()
            let profileId = try #require(profile["id"]?["id"]?.stringValue)
            // The admin changes the description and the secret: both named, the secret's value never written.
            profile = Self.setting(profile, ["description"], to: .string("meters of building 7"))
            profile = Self.setting(
                profile, ["profileData", "provisionConfiguration", "provisionDeviceSecret"], to: .string("\(secret)-new"))
            let updated = try await server.send("POST", "/api/deviceProfile", body: profile.serialized, token: token)
            #expect(updated.status == 200, "\(updated.text)")

            let device = try await server.send(
                "POST", "/api/device?accessToken=audit-token-1",
                body: #"{"name":"meter-7","deviceProfileId":{"entityType":"DEVICE_PROFILE","id":"\#(profileId)"}}"#, token: token)
            let deviceId = try #require(try device.json()["id"]?["id"]?.stringValue, "\(device.text)")
            let credentials = try await server.send("GET", "/api/device/\(deviceId)/credentials", token: token)
            #expect(credentials.status == 200)
            let deleted = try await server.send("DELETE", "/api/device/\(deviceId)", token: token)
            #expect(deleted.status == 200)
            let imported = try await server.send(
                "POST", "/api/device/bulk_import",
                body: #"{"file":"name,type\nimp-1,Audited\nimp-2,Audited\n","mapping":{"columns":[{"type":"NAME"},{"type":"TYPE"}],"delimiter":",","update":false,"header":true}}"#,
                token: token)
            #expect(imported.status == 200, "\(imported.text)")

            // The tenant admin's own actions, newest first: the login of this test, then each action.
            let actions = try await entries(server, "actor=\(TestServer.adminEmail)", token: token, count: 7)
            let names = actions.compactMap { $0["action"]?.stringValue }
            #expect(Array(names.reversed()) == [
                "LOGIN", "PROFILE_CREATED", "PROFILE_UPDATED", "DEVICE_CREATED", "CREDENTIALS_READ", "DEVICE_DELETED", "IMPORT",
            ])
            #expect(actions.allSatisfy { $0["actor"] == .string(TestServer.adminEmail) && $0["actionStatus"] == .string("SUCCESS") })
            #expect(actions.allSatisfy { $0["actionData"]?["sourceAddress"] == .string("127.0.0.1") })
            let update = try #require(actions.first { $0["action"] == .string("PROFILE_UPDATED") })
            #expect(update["details"] == .string("changed: description, provisionDeviceSecret"))
            #expect(update["actionData"]?["profileName"] == .string("Audited"))
            let read = try #require(actions.first { $0["action"] == .string("CREDENTIALS_READ") })
            #expect(read["entityName"] == .string("meter-7") && read["details"] == .string("ACCESS_TOKEN"))
            let importEntry = try #require(actions.first { $0["action"] == .string("IMPORT") })
            #expect(importEntry["details"]?.stringValue?.hasSuffix("2 created, 0 updated, 0 failed") == true)

            // The action filter, and nothing of the secret or the token anywhere in the log.
            let deletions = try await entries(server, "action=device_deleted", token: token, count: 1)
            #expect(deletions.count == 1 && deletions.first?["entityName"] == .string("meter-7"))
            let everything = try await server.send("GET", "/api/audit/logs?pageSize=100&page=0", token: token)
            #expect(!everything.text.contains(secret) && !everything.text.contains("audit-token-1"))
            #expect(!everything.text.contains(TestServer.adminPassword))
            let unknown = try await server.send("GET", "/api/audit/logs?action=REBOOT", token: token)
            #expect(unknown.status == 400)
        }
    }

    @Test func keyValueWritesNameTheirEntity() async throws {
        try await TestServer.run { server in
            let token = try await server.login()
            let asset = try await server.send("POST", "/api/asset", body: #"{"name":"hall-9"}"#, token: token)
            let assetId = try #require(try asset.json()["id"]?["id"]?.stringValue, "\(asset.text)")
            let device = try await server.send("POST", "/api/device", body: #"{"name":"meter-9"}"#, token: token)
            let deviceId = try #require(try device.json()["id"]?["id"]?.stringValue, "\(device.text)")
            for (kind, id) in [("ASSET", assetId), ("DEVICE", deviceId)] {
                let saved = try await server.send(
                    "POST", "/api/plugins/telemetry/\(kind)/\(id)/attributes/SERVER_SCOPE", body: #"{"floor":3}"#, token: token)
                #expect(saved.status == 200, "\(saved.text)")
            }
            let entries = try await entries(server, "action=ATTRIBUTES_UPDATED", token: token, count: 2)
            #expect(entries.count == 2)
            let onAsset = try #require(entries.first { $0["details"]?.stringValue?.hasPrefix("ASSET") == true })
            #expect(onAsset["details"] == .string("ASSET \(assetId) SERVER_SCOPE") && onAsset["entityId"] == nil)
            let onDevice = try #require(entries.first { $0["details"] == .string("DEVICE SERVER_SCOPE") })
            #expect(onDevice["entityId"]?["id"] == .string(deviceId) && onDevice["entityId"]?["entityType"] == .string("DEVICE"))
        }
    }

    @Test(arguments: TestStoreKind.allCases)
    func theSystemAdministratorSeesTheUnattributedAttemptsAndWhatCoolsOff(store: TestStoreKind) async throws {
        try await TestServer.run(settings: ["provision.failureLimit": "5"], store: store) { server in
            let logins = try #require(server.bootstrap)
            let system = try await server.login(email: logins.systemAdminEmail, password: logins.systemAdminPassword)
            let tenant = try await server.login()
            for index in 0..<6 {
                let reply = try await server.send(
                    "POST", "/api/v1/provision",
                    body: #"{"deviceName":"probe-\#(index)","provisionDeviceKey":"no-such-key-\#(index)","provisionDeviceSecret":"x"}"#)
                #expect(reply.status == (index < 5 ? 200 : 429))
            }
            let unattributed = try await entries(server, "tenantId=none&outcome=NOT_FOUND", token: system, count: 5)
            #expect(unattributed.count == 5)
            #expect(unattributed.allSatisfy { $0["tenantId"] == nil })
            // The tenant admin sees none of them, and may not ask for them.
            let tenantView = try await server.send("GET", "/api/audit/logs?pageSize=100&page=0&outcome=NOT_FOUND&tenantId=none", token: tenant)
            #expect(try tenantView.json()["totalElements"] == .number("0"))

            let coolingOff = try await server.send("GET", "/api/audit/coolingOff", token: system)
            #expect(coolingOff.status == 200, "\(coolingOff.text)")
            guard case .array(let listed) = try coolingOff.json() else { Issue.record("not an array"); return }
            let source = try #require(listed.first { $0["scope"] == .string("PROVISION_SOURCE") })
            #expect(source["name"] == .string("127.0.0.1"))
            guard case .number(let retryAfter)? = source["retryAfterSeconds"] else { Issue.record("no retryAfterSeconds"); return }
            #expect((1...900).contains(Int(retryAfter) ?? 0))
            #expect(try await server.send("GET", "/api/audit/coolingOff", token: tenant).status == 403)

            // The tenants and their admins.
            let tenants = try await server.send("GET", "/api/tenants?pageSize=10&page=0", token: system).json()
            let tenantId = try #require(tenants["data"]?[0]?["id"]?["id"]?.stringValue)
            let users = try await server.send("GET", "/api/tenant/\(tenantId)/users?pageSize=10&page=0", token: system)
            #expect(users.status == 200, "\(users.text)")
            #expect(try users.json()["data"]?[0]?["email"] == .string(TestServer.adminEmail))
        }
    }
}
