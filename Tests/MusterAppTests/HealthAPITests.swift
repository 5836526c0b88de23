import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `GET /api/health` and `HEAD /api/health` for load balancers: no authentication, the node's name, and whether
/// its database answers.
@Suite struct HealthAPITests {
    @Test(arguments: TestStoreKind.allCases)
    func aNodeWhoseDatabaseAnswersIsUp(store: TestStoreKind) async throws {
        try await TestServer.run(settings: ["node.name": "edge-1"], store: store) { server in
            let reply = try await server.send("GET", "/api/health")
            #expect(reply.status == 200)
            #expect(try reply.json() == .object(["status": .string("UP"), "node": .string("edge-1"), "database": .string("UP")]))
            #expect(reply.headers["cache-control"] == "no-store")
            let head = try await server.send("HEAD", "/api/health")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test func theDefaultNodeNameIsTheHostnameAndHTTPPort() async throws {
        try await TestServer.run { server in
            let node = try await server.send("GET", "/api/health").json()["node"]?.stringValue ?? ""
            // The configured port (0 here: a free one is picked when binding).
            #expect(node.hasSuffix(":0") && node.count > 2, "\(node)")
        }
    }

    @Test func aNodeWhoseDatabaseCannotBeReachedIsDownAndUpAgainWhenItIsBack() async throws {
        let settings = try await TestStoreKind.postgres.settings()
        let url = try #require(settings["database.url"].flatMap { URLComponents(string: $0) })
        let database = String(url.path.dropFirst())
        try await TestServer.run(settings: settings.merging(["node.name": "edge-2"]) { own, _ in own }) { server in
            #expect(try await server.send("GET", "/api/health").status == 200)
            // The database refuses new connections and ends the node's: the pool cannot reconnect.
            try await PostgresTestCluster.administer([
                "ALTER DATABASE \(database) ALLOW_CONNECTIONS false",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'",
            ])
            let began = ContinuousClock.now
            let down = try await server.send("GET", "/api/health")
            #expect(ContinuousClock.now - began < .seconds(5))
            #expect(down.status == 503)
            let json = try down.json()
            #expect(json["status"] == .string("DOWN"))
            #expect(json["database"] == .string("DOWN"))
            #expect(json["node"] == .string("edge-2"))
            let reason = try #require(json["reason"]?.stringValue)
            #expect(!reason.isEmpty && !reason.contains("postgres://"), "\(reason)")
            #expect(try await server.send("HEAD", "/api/health").status == 503)

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
