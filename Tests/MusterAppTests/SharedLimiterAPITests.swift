import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Two nodes on one PostgreSQL database behind no load balancer: a client that spreads its guesses over both is
/// refused after as many failures as one node allows, on both nodes, and each node's audit entries name it.
@Suite struct SharedLimiterAPITests {
    /// Runs `body` with two servers (`node-a`, `node-b`) on one new PostgreSQL database.
    private func withTwoNodes(
        _ settings: [String: String], _ body: @Sendable (TestServer, TestServer) async throws -> Void
    ) async throws {
        let database = try await TestStoreKind.postgres.settings()
        let shared = settings.merging(database) { own, _ in own }
        try await TestServer.run(settings: shared.merging(["node.name": "node-a"]) { _, new in new }) { a in
            try await TestServer.run(settings: shared.merging(["node.name": "node-b"]) { _, new in new }) { b in
                try await body(a, b)
            }
        }
    }

    private static func provision(_ node: TestServer, secret: String) async throws -> TestServer.Reply {
        try await node.send(
            "POST", "/api/v1/provision",
            body: #"{"provisionDeviceKey":"shared-key","provisionDeviceSecret":"\#(secret)","deviceName":"d-\#(secret)"}"#)
    }

    /// One database and two nodes for both limiters (a database per scenario loads the test server for nothing).
    @Test func guessesSpreadOverTwoNodesAreRefusedAfterTheOneNodeLimitOnBoth() async throws {
        let settings = [
            "provision.failureLimit": "3", "auth.loginFailureLimit": "2", "auth.loginSourceFailureLimit": "100",
            "auth.loginLockoutSeconds": "600",
        ]
        try await withTwoNodes(settings) { a, b in
            try await wrongProvisionSecretsAreRefusedAfterTheOneNodeLimitOnBoth(a, b)
            try await failedLoginsLockTheAccountOnBoth(a, b)
        }
    }

    private func wrongProvisionSecretsAreRefusedAfterTheOneNodeLimitOnBoth(_ a: TestServer, _ b: TestServer) async throws {
        let token = try await a.login()
        let created = try await a.send("POST", "/api/deviceProfile", body: #"""
            {"name":"shared","provisionType":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceKey":"shared-key",
             "profileData":{"provisionConfiguration":{"type":"ALLOW_CREATE_NEW_DEVICES","provisionDeviceSecret":"right"}}}
            """#, token: token)
        #expect(created.status == 200)
        // Three wrong secrets, alternating: two on A, one on B (no node alone reached the limit of 3).
        for node in [a, b, a] {
            let reply = try await Self.provision(node, secret: "wrong")
            #expect(reply.status == 200)
            #expect(try reply.json()["status"] == .string("NOT_FOUND"))
        }
        // Both nodes now refuse the source, even with the right secret.
        for node in [b, a] {
            let refused = try await Self.provision(node, secret: "right")
            #expect(refused.status == 429, "\(node.baseURL): \(refused.text)")
            let retryAfter = try #require(refused.headers["retry-after"].flatMap { Int($0) })
            #expect((50...60).contains(retryAfter))
        }

        // Each node's audit entries name it (written in batches: poll at most 5 s).
        var nodes: [String] = []
        for _ in 0..<100 {
            let reply = try await b.send("GET", "/api/audit/logs?pageSize=50&page=0&outcome=NOT_FOUND", token: token)
            guard case .array(let entries)? = try reply.json()["data"] else { break }
            nodes = entries.compactMap { $0["node"]?.stringValue }.sorted()
            if nodes.count == 3 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(nodes == ["node-a", "node-a", "node-b"])
    }

    private func failedLoginsLockTheAccountOnBoth(_ a: TestServer, _ b: TestServer) async throws {
        let body = #"{"username":"\#(TestServer.adminEmail)","password":"wrong-guess"}"#
        #expect(try await a.send("POST", "/api/auth/login", body: body).status == 401)
        #expect(try await b.send("POST", "/api/auth/login", body: body).status == 401)
        // One failure on each node: the account is locked on both, even with the right password.
        let right = #"{"username":"\#(TestServer.adminEmail)","password":"\#(TestServer.adminPassword)"}"#
        for node in [a, b] {
            let refused = try await node.send("POST", "/api/auth/login", body: right)
            #expect(refused.status == 429, "\(node.baseURL): \(refused.text)")
            let retryAfter = try #require(refused.headers["retry-after"].flatMap { Int($0) })
            #expect((590...600).contains(retryAfter))
        }
    }
}
