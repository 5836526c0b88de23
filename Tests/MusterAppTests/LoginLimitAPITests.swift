import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// The admin login limiter over real sockets, against the server built by the composition root.
@Suite struct LoginLimitAPITests {
    private static func loginBody(_ email: String, _ password: String) -> String {
        #"{"username":"\#(email)","password":"\#(password)"}"#
    }

    @Test func aLockedAccountGets429WithRetryAfterEvenWithTheRightPasswordAndIsAudited() async throws {
        let settings = ["auth.loginFailureLimit": "2", "auth.loginSourceFailureLimit": "100", "auth.loginLockoutSeconds": "600"]
        try await TestServer.run(settings: settings) { server in
            let token = try await server.login()
            let created = try await server.send(
                "POST", "/api/user",
                body: #"{"email":"second@muster.test","authority":"TENANT_ADMIN","password":"second-secret-123"}"#, token: token)
            #expect(created.status == 200)

            for _ in 0..<2 {
                let wrong = try await server.send("POST", "/api/auth/login", body: Self.loginBody("Tenant@Muster.test", "wrong-guess"))
                #expect(wrong.status == 401)
            }
            let refused = try await server.send("POST", "/api/auth/login", body: Self.loginBody(TestServer.adminEmail, TestServer.adminPassword))
            #expect(refused.status == 429)
            let retryAfter = try #require(refused.headers["retry-after"].flatMap { Int($0) })
            #expect((590...600).contains(retryAfter))
            let error = try refused.json()
            #expect(error["status"] == .number("429"))
            #expect(error["errorCode"] == .number("33"))
            #expect(error["message"]?.stringValue?.contains("Too many failed login attempts") == true)
            #expect(error["token"] == nil)

            // Another account from the same source is not affected.
            let other = try await server.login(email: "second@muster.test", password: "second-secret-123")

            // Audit entries are written in batches: poll (at most 5 s) until the lockout and the refusal are there.
            func entries(_ outcome: String) async throws -> [JSONValue] {
                let reply = try await server.send("GET", "/api/audit/logs?pageSize=50&page=0&outcome=\(outcome)", token: other)
                guard case .array(let data)? = try reply.json()["data"] else { return [] }
                return data
            }
            var refusals = try await entries("LOGIN_REFUSED")
            for _ in 0..<100 where refusals.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                refusals = try await entries("LOGIN_REFUSED")
            }
            #expect(refusals.count == 1)
            #expect(refusals.first?["actionType"] == .string("LOGIN"))
            #expect(refusals.first?["actionFailureDetails"] == .string("ACCOUNT_LOCKED"))
            #expect(refusals.first?["entityId"]?["entityType"] == .string("USER"))
            let lockouts = try await entries("LOCKED_OUT")
            #expect(lockouts.count == 1)
            #expect(lockouts.first?["actionType"] == .string("LOCKOUT"))
            #expect(lockouts.first?["actionData"]?["sourceAddress"] == .string("127.0.0.1"))
            let failures = try await entries("LOGIN_FAILED")
            #expect(failures.count == 2)
            #expect(failures.allSatisfy { $0["actionData"]?["account"] == .string("Tenant@Muster.test") })
            let everything = try await server.send("GET", "/api/audit/logs?pageSize=50&page=0", token: other)
            #expect(!everything.text.contains("wrong-guess"))
            #expect(!everything.text.contains(TestServer.adminPassword))
        }
    }

    @Test func zeroTurnsTheLoginLimiterOff() async throws {
        try await TestServer.run(settings: ["auth.loginFailureLimit": "0"]) { server in
            for _ in 0..<8 {
                let wrong = try await server.send("POST", "/api/auth/login", body: Self.loginBody(TestServer.adminEmail, "wrong-guess"))
                #expect(wrong.status == 401)
            }
            _ = try await server.login()
        }
    }
}
