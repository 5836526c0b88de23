import Foundation
import MusterCore
import MusterMQTTCodec
import MusterTestSupport
import NIOCore
import Synchronization
import Testing

/// Issue 13: two whole servers on one PostgreSQL database. A change made through one node's REST API is in force on
/// the other for the first request after the answer (through `NOTIFY`/`LISTEN`, the answer waiting for the other
/// node's acknowledgement): its profile cache, its device sessions, its shared-attribute pushes; a
/// lost listening connection leaves no stale profile trusted; two nodes starting at once on an empty database make
/// one tenant and one admin.
@Suite struct ClusterEventsTests {
    /// Two nodes on one new database, both listening: `b` started first, so its listening connection is `bListener`.
    private struct Nodes: Sendable {
        let a: TestServer
        let b: TestServer
        let databaseURL: String
        let bListener: Int32
    }

    /// Every node's listening connection's `application_name` begins so (`muster-listen #INSTANCE`).
    private static let listenerName = "muster-listen"

    private func withTwoNodes(_ body: @Sendable (Nodes) async throws -> Void) async throws {
        // A cached profile is trusted for a minute: only the cluster's events (or distrust) can end it in a test.
        let settings = try await TestStoreKind.postgres.settings().merging(["provision.profileCacheMilliseconds": "60000"]) { $1 }

        let url = try #require(settings["database.url"])
        try await TestServer.run(settings: settings) { b in
            let bListener = try await waitForListeners(1, url).first!
            try await TestServer.run(settings: settings) { a in
                _ = try await waitForListeners(2, url)
                try await body(Nodes(a: a, b: b, databaseURL: url, bListener: bListener))
            }
        }
    }

    /// Waits (at most 10 s) until `count` nodes listen on the database; returns their connections' process ids.
    @discardableResult
    private func waitForListeners(_ count: Int, _ url: String, excluding gone: Int32? = nil) async throws -> [Int32] {
        for _ in 0..<200 {
            let pids = try await PostgresTestCluster.listeners(applicationNamePrefix: Self.listenerName, database: url)
                .filter { $0 != gone }
            if pids.count == count { return pids }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestServerError.timedOut("\(count) listening nodes")
    }

    /// Creates an ALLOW_CREATE_NEW_DEVICES profile with `key` and `secret` on `server`; returns its id.
    private func makeProfile(_ server: TestServer, token: String, key: String, secret: String) async throws -> String {
        let reply = try await server.send("POST", "/api/deviceProfile", body: profileBody(key: key, secret: secret), token: token)
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(try reply.json()["id"]?["id"]?.stringValue)
    }

    private func profileBody(id: String? = nil, key: String, secret: String, type: String = "ALLOW_CREATE_NEW_DEVICES") -> String {
        let identity = id.map { #""id":{"entityType":"DEVICE_PROFILE","id":"\#($0)"},"# } ?? ""
        return #"""
            {\#(identity)"name":"\#(key)-profile","provisionType":"\#(type)","provisionDeviceKey":"\#(key)",
             "profileData":{"provisionConfiguration":{"type":"\#(type)","provisionDeviceSecret":"\#(secret)"}}}
            """#
    }

    /// One provisioning request; returns ThingsBoard's answer.
    private func provision(_ server: TestServer, key: String, secret: String, name: String) async throws -> JSONValue {
        let reply = try await server.send(
            "POST", "/api/v1/provision",
            body: #"{"provisionDeviceKey":"\#(key)","provisionDeviceSecret":"\#(secret)","deviceName":"\#(name)"}"#)
        #expect(reply.status == 200, "\(reply.text)")
        return try reply.json()
    }

    @Test func aSecretChangedOnOneNodeIsEnforcedAtOnceOnTheOther() async throws {
        try await withTwoNodes { nodes in
            let token = try await nodes.a.login()
            let id = try await makeProfile(nodes.a, token: token, key: "k1", secret: "old-secret")
            // B has the profile in its cache (trusted for a minute here: only the change's event can end that).
            #expect(try await provision(nodes.b, key: "k1", secret: "old-secret", name: "b-1")["status"] == .string("SUCCESS"))

            let changed = try await nodes.a.send(
                "POST", "/api/deviceProfile", body: profileBody(id: id, key: "k1", secret: "new-secret"), token: token)
            #expect(changed.status == 200, "\(changed.text)")

            // A's answer left after B acknowledged the change: B's very first request sees it.
            let refused = try await provision(nodes.b, key: "k1", secret: "old-secret", name: "b-2")
            #expect(refused["status"] == .string("NOT_FOUND"), "\(refused)")
            #expect(try await provision(nodes.b, key: "k1", secret: "new-secret", name: "b-3")["status"] == .string("SUCCESS"))
        }
    }

    @Test func aStrategySetToDisabledOnOneNodeIsRefusedOnTheOther() async throws {
        try await withTwoNodes { nodes in
            let token = try await nodes.a.login()
            let id = try await makeProfile(nodes.a, token: token, key: "k2", secret: "s2")
            #expect(try await provision(nodes.b, key: "k2", secret: "s2", name: "b-1")["status"] == .string("SUCCESS"))

            let disabled = try await nodes.a.send(
                "POST", "/api/deviceProfile", body: profileBody(id: id, key: "k2", secret: "s2", type: "DISABLED"), token: token)
            #expect(disabled.status == 200, "\(disabled.text)")

            let refused = try await provision(nodes.b, key: "k2", secret: "s2", name: "b-2")
            #expect(refused["status"] != .string("SUCCESS"), "\(refused)")
        }
    }

    @Test func aProfileDeletedOnOneNodeIsUnknownOnTheOther() async throws {
        try await withTwoNodes { nodes in
            let token = try await nodes.a.login()
            let id = try await makeProfile(nodes.a, token: token, key: "k3", secret: "s3")
            // A wrong secret: B reads and caches the profile, and creates no device (the profile stays deletable).
            #expect(try await provision(nodes.b, key: "k3", secret: "wrong", name: "b-0")["status"] == .string("NOT_FOUND"))

            let deleted = try await nodes.a.send("DELETE", "/api/deviceProfile/\(id)", token: token)
            #expect(deleted.status == 200, "\(deleted.text)")

            let afterDeletion = try await provision(nodes.b, key: "k3", secret: "s3", name: "b-1")
            let unknown = try await provision(nodes.b, key: "never-seen", secret: "s3", name: "b-x")
            #expect(afterDeletion == unknown)
            #expect(unknown["status"] == .string("NOT_FOUND"))
        }
    }

    @Test func credentialsChangedOnOneNodeCloseTheDevicesMQTTSessionOnTheOther() async throws {
        try await withTwoNodes { nodes in
            let token = try await nodes.a.login()
            let device = try await nodes.a.send("POST", "/api/device?accessToken=rev-token", body: #"{"name":"R1"}"#, token: token)
            let credentials = try await nodes.a.send(
                "GET", "/api/device/\(try #require(try device.json()["id"]?["id"]?.stringValue))/credentials", token: token)
            try await withMQTTClient(port: try #require(nodes.b.ports["mqtt"])) { client in
                #expect(try await client.connect(username: "rev-token") == .success)

                var changed = try #require(try credentials.json().objectValue)
                changed["credentialsId"] = .string("rev-token-2")
                let updated = try await nodes.a.send(
                    "POST", "/api/device/credentials", body: JSONValue.object(changed).serialized, token: token)
                #expect(updated.status == 200, "\(updated.text)")

                // MQTT 3.1.1: the session on B ends with a closed socket.
                #expect(try await client.receive(within: .seconds(5)) == .closed)
            }
        }
    }

    @Test func sharedAttributesSetOnOneNodeArePushedToASubscriberOnTheOther() async throws {
        try await withTwoNodes { nodes in
            let token = try await nodes.a.login()
            let device = try await nodes.a.send("POST", "/api/device?accessToken=push-token", body: #"{"name":"P1"}"#, token: token)
            let id = try #require(try device.json()["id"]?["id"]?.stringValue)
            try await withMQTTClient(port: try #require(nodes.b.ports["mqtt"])) { client in
                #expect(try await client.connect(username: "push-token") == .success)
                try await client.send(.subscribe(.init(packetIdentifier: 4, subscriptions: [
                    .init(topicFilter: "v1/devices/me/attributes", options: .init(qos: .atLeastOnce))
                ])))
                #expect(try await client.receive(within: .seconds(5)) == .packet(.subAck(.init(packetIdentifier: 4, reasonCodes: [.grantedQoS1]))))

                let saved = try await nodes.a.send(
                    "POST", "/api/plugins/telemetry/DEVICE/\(id)/attributes/SHARED_SCOPE", body: #"{"fw":"2.0","interval":30}"#,
                    token: token)
                #expect(saved.status == 200, "\(saved.text)")

                guard case .packet(.publish(let push)) = try await client.receive(within: .seconds(5)) else {
                    Issue.record("no push on node B")
                    return
                }
                #expect(push.topicName == "v1/devices/me/attributes")
                #expect(try JSONParser.parse(Array(buffer: push.payload)) == .object(["fw": .string("2.0"), "interval": .number("30")]))
            }
        }
    }

    @Test func aNodeWhoseListeningConnectionWasKilledTrustsNoStaleProfile() async throws {
        try await withTwoNodes { nodes in
            let token = try await nodes.a.login()
            let id = try await makeProfile(nodes.a, token: token, key: "k4", secret: "old-secret")
            #expect(try await provision(nodes.b, key: "k4", secret: "old-secret", name: "b-1")["status"] == .string("SUCCESS"))

            // B's listening connection dies; the change on A is notified while B is not listening.
            #expect(try await PostgresTestCluster.terminateBackend(nodes.bListener, database: nodes.databaseURL))
            let changed = try await nodes.a.send(
                "POST", "/api/deviceProfile", body: profileBody(id: id, key: "k4", secret: "new-secret"), token: token)
            #expect(changed.status == 200, "\(changed.text)")

            let refused = try await provision(nodes.b, key: "k4", secret: "old-secret", name: "b-2")
            #expect(refused["status"] == .string("NOT_FOUND"), "\(refused)")
            // B listens again (a new connection) and goes on hearing changes.
            try await waitForListeners(2, nodes.databaseURL, excluding: nodes.bListener)
            #expect(try await provision(nodes.b, key: "k4", secret: "new-secret", name: "b-3")["status"] == .string("SUCCESS"))
            let again = try await nodes.a.send(
                "POST", "/api/deviceProfile", body: profileBody(id: id, key: "k4", secret: "third-secret"), token: token)
            #expect(again.status == 200, "\(again.text)")
            let refusedAgain = try await provision(nodes.b, key: "k4", secret: "new-secret", name: "b-4")
            #expect(refusedAgain["status"] == .string("NOT_FOUND"), "\(refusedAgain)")
        }
    }

    @Test func twoNodesStartingAtOnceOnAnEmptyDatabaseMakeOneTenantAndOneAdmin() async throws {
        let settings = try await TestStoreKind.postgres.settings()
        let url = try #require(settings["database.url"])
        let bootstraps = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let created = BootstrapSeen()
                    try await TestServer.run(settings: settings) { server in
                        created.set(server.bootstrap != nil)
                        _ = try await server.login()
                    }
                    return created.value
                }
            }
            var all: [Bool] = []
            for try await created in group { all.append(created) }
            return all
        }
        #expect(bootstraps.filter { $0 }.count == 1, "\(bootstraps)")
        #expect(try await PostgresTestCluster.rowCount("tenants", database: url) == 1)
        #expect(try await PostgresTestCluster.rowCount("users WHERE authority = 'TENANT_ADMIN'", database: url) == 1)
        #expect(try await PostgresTestCluster.rowCount("users WHERE authority = 'SYS_ADMIN'", database: url) == 1)
    }
}

/// Whether a server's start bootstrapped the database.
private final class BootstrapSeen: Sendable {
    private let seen = Mutex(false)
    var value: Bool { seen.withLock { $0 } }
    func set(_ value: Bool) { seen.withLock { $0 = value } }
}
