import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `GET /api/health` and `HEAD /api/health` for load balancers: no authentication, the node's name, and whether
/// its database answers.
@Suite(.serialized) struct HealthAPITests {
    /// The first 200 answer within ten tries: on the loaded machine of a parallel test run a check can miss its 2 s
    /// (the answer then is the 503 a load balancer should get from a node that slow).
    private static func up(_ server: TestServer, method: String = "GET") async throws -> TestServer.Reply {
        var reply = try await server.send(method, "/api/health")
        for _ in 0..<9 where reply.status != 200 {
            try await Task.sleep(for: .milliseconds(500))
            reply = try await server.send(method, "/api/health")
        }
        return reply
    }

    /// On SQLite; on PostgreSQL the same answer opens the next test.
    @Test func aNodeWhoseDatabaseAnswersIsUp() async throws {
        try await TestServer.run(settings: ["node.name": "edge-1"], store: .sqlite) { server in
            let reply = try await Self.up(server)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json() == .object(["status": .string("UP"), "node": .string("edge-1"), "database": .string("UP")]))
            #expect(reply.headers["cache-control"] == "no-store")
            let head = try await Self.up(server, method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test func theDefaultNodeNameIsTheHostnameAndHTTPPort() async throws {
        try await TestServer.run { server in
            let node = try await Self.up(server).json()["node"]?.stringValue ?? ""
            // The configured port (0 here: a free one is picked when binding).
            #expect(node.hasSuffix(":0") && node.count > 2, "\(node)")
        }
    }

    @Test func aNodeWhoseDatabaseCannotBeReachedIsDownAndUpAgainWhenItIsBack() async throws {
        let settings = try await TestStoreKind.postgres.settings()
        let url = try #require(settings["database.url"].flatMap { URLComponents(string: $0) })
        let database = String(url.path.dropFirst())
        try await TestServer.run(settings: settings.merging(["node.name": "edge-2"]) { own, _ in own }) { server in
            let up = try await Self.up(server)
            #expect(up.status == 200, "\(up.text)")
            #expect(try up.json() == .object(["status": .string("UP"), "node": .string("edge-2"), "database": .string("UP")]))
            #expect(try await Self.up(server, method: "HEAD").status == 200)
            // The database refuses new connections and ends the node's: the pool cannot reconnect.
            try await PostgresTestCluster.administer([
                "ALTER DATABASE \(database) ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'",
            ])
            let down: TestServer.Reply
            let head: TestServer.Reply
            let began = ContinuousClock.now
            do {
                down = try await server.send("GET", "/api/health")
                head = try await server.send("HEAD", "/api/health")
            } catch {
                try await PostgresTestCluster.administer(["ALTER DATABASE \(database) ALLOW_CONNECTIONS true"])
                throw error
            }
            #expect(ContinuousClock.now - began < .seconds(10))
            #expect(down.status == 503, "\(down.text)")
            let json = try? down.json()
            #expect(json?["status"] == .string("DOWN"))
            #expect(json?["database"] == .string("DOWN"))
            #expect(json?["node"] == .string("edge-2"))
            let reason = json?["reason"]?.stringValue ?? ""
            #expect(!reason.isEmpty && !reason.contains("postgres://"), "\(reason)")
            #expect(head.status == 503)

            // Connections are allowed again: the node reports itself up once its pool has reconnected.
            try await PostgresTestCluster.administer(["ALTER DATABASE \(database) ALLOW_CONNECTIONS true"])
            var status = 0
            for _ in 0..<60 {
                status = try await server.send("GET", "/api/health").status
                if status == 200 { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(status == 200)
        }
    }
}
