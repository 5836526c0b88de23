import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `muster rotate-jwt-key --data-dir DIR` (SQLite) or `--database URL` (PostgreSQL), the real binary: with
/// `--invalidate-tokens` tokens issued before are refused after the restart; by default they stay valid while new
/// ones are signed with the new key.
@Suite struct RotateJWTKeyCommandTests {
    @Test(arguments: TestStoreKind.allCases, [true, false])
    func rotatingTheKey(store: TestStoreKind, invalidate: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // One store for the three runs: the data directory's SQLite file, or one PostgreSQL database.
        let settings = try await store.settings()
        let issued = Issued()
        try await TestServer.run(settings: settings, dataDirectory: directory) { server in
            let reply = try await server.send(
                "POST", "/api/auth/login",
                body: #"{"username":"\#(TestServer.adminEmail)","password":"\#(TestServer.adminPassword)"}"#)
            let json = try reply.json()
            issued.set(try #require(json["token"]?.stringValue), try #require(json["refreshToken"]?.stringValue))
        }
        // Without a rotation the same key is read again: the token still works after a restart.
        try await TestServer.run(settings: settings, dataDirectory: directory) { server in
            let user = try await server.send("GET", "/api/auth/user", token: issued.token)
            #expect(user.status == 200)
        }
        let rotated = try await MusterCommandRunner.run(
            ["rotate-jwt-key", "--data-dir", directory.path] + (settings["database.url"].map { ["--database", $0] } ?? [])
                + (invalidate ? ["--invalidate-tokens"] : []))
        #expect(rotated.status == 0, "\(rotated)")
        #expect(rotated.stdout.contains("rotated the JWT signing key"), "\(rotated)")
        #expect(rotated.stdout.contains(invalidate ? "are refused" : "stay valid for 7 days"), "\(rotated)")
        try await TestServer.run(settings: settings, dataDirectory: directory) { server in
            let old = try await server.send("GET", "/api/auth/user", token: issued.token)
            #expect(old.status == (invalidate ? 401 : 200))
            let refresh = try await server.send("POST", "/api/auth/token", body: #"{"refreshToken":"\#(issued.refreshToken)"}"#)
            #expect(refresh.status == (invalidate ? 401 : 200))
            let fresh = try await server.login()
            #expect(fresh != issued.token)
            let user = try await server.send("GET", "/api/auth/user", token: fresh)
            #expect(user.status == 200)
        }
    }
}

extension RotateJWTKeyCommandTests {
    /// Issue 13: on PostgreSQL the running nodes are told (`NOTIFY`) and switch to the new key without a restart.
    @Test func onPostgreSQLARunningNodeSwitchesToTheRotatedKeyWithoutARestart() async throws {
        let settings = try await TestStoreKind.postgres.settings()
        let url = try #require(settings["database.url"])
        try await TestServer.run(settings: settings) { server in
            let old = try await server.login()
            #expect(try await server.send("GET", "/api/auth/user", token: old).status == 200)

            // A rotation with the default overlap: the node switches at once, the old token stays valid.
            let kept = try await MusterCommandRunner.run(["rotate-jwt-key", "--database", url])
            #expect(kept.status == 0 && kept.stdout.contains("stay valid for 7 days"), "\(kept)")
            let between = try await server.login()
            #expect(try await server.send("GET", "/api/auth/user", token: old).status == 200)
            #expect(try await server.send("GET", "/api/auth/user", token: between).status == 200)

            let rotated = try await MusterCommandRunner.run(["rotate-jwt-key", "--database", url, "--invalidate-tokens"])
            #expect(rotated.status == 0, "\(rotated)")
            #expect(rotated.stdout.contains("running nodes were told and use it at once"), "\(rotated)")

            // The node applies the notification as it arrives (milliseconds): wait for it, at most 5 s.
            var status = 0
            for _ in 0..<100 {
                status = try await server.send("GET", "/api/auth/user", token: old).status
                if status == 401 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status == 401)
            #expect(try await server.send("GET", "/api/auth/user", token: between).status == 401)
            let fresh = try await server.login()
            #expect(try await server.send("GET", "/api/auth/user", token: fresh).status == 200)
        }
    }
}

/// The tokens the first server issued, handed to the later runs.
private final class Issued: @unchecked Sendable {
    private let lock = NSLock()
    private var pair = ("", "")
    var token: String { lock.withLock { pair.0 } }
    var refreshToken: String { lock.withLock { pair.1 } }
    func set(_ token: String, _ refreshToken: String) { lock.withLock { pair = (token, refreshToken) } }
}
