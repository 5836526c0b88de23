import Foundation
import MusterTestSupport
import Testing

/// `muster serve --database URL`, the real binary: a database it cannot use stops the start with the reason.
@Suite struct ServeDatabaseCommandTests {
    @Test func anUnreachableDatabaseEndsTheStartWithTheReason() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let result = try await MusterCommandRunner.run(
            ["serve", "--data-dir", directory.path, "--http-port", "0", "--mqtt-port", "0", "--mqtts-port=-1",
             "--coap-port", "0", "--database", "postgres://muster:hunter2@127.0.0.1:1/muster"],
            timeout: 60)
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("cannot reach the database at postgres://muster@127.0.0.1:1/muster"), "\(result)")
        #expect(result.stderr.lowercased().contains("refused"), "\(result)")
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"), "never the password")
        #expect(!result.stdout.contains("listening"), "no listener binds without its store")
    }

    @Test func aWrongPasswordEndsTheStartWithTheServersMessage() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try #require(URLComponents(string: try await TestStoreKind.postgres.settings()["database.url"] ?? ""))
        // The test cluster trusts every loopback login, so name a role that does not exist instead.
        let result = try await MusterCommandRunner.run(
            ["serve", "--data-dir", directory.path, "--http-port", "0", "--mqtt-port", "0", "--mqtts-port=-1",
             "--coap-port", "0", "--database", "postgres://nobody-\(UUID().uuidString.prefix(8)):pw@127.0.0.1:\(url.port ?? 0)\(url.path)"],
            timeout: 60)
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("role \"nobody-"), "\(result)")
        #expect(result.stderr.contains("does not exist"), "\(result)")
    }

    @Test func anInvalidURLIsRefusedBeforeAnythingStarts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await MusterCommandRunner.run(
            ["serve", "--data-dir", directory.path, "--http-port", "0", "--database", "mysql://root@localhost/muster"],
            timeout: 60)
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("invalid database URL: expected postgres://user:password@host:port/database"), "\(result)")
    }

    @Test func theServerSaysWhichStoreItOpened() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try #require(try await TestStoreKind.postgres.settings()["database.url"])
        let result = try await MusterCommandRunner.run(
            ["serve", "--data-dir", directory.path, "--host", "127.0.0.1", "--http-port", "0", "--mqtt-port", "0",
             "--mqtts-port=-1", "--coap-port", "0"],
            environment: ["MUSTER_DATABASE_URL": url], interruptOn: "Server started and listening", timeout: 60)
        #expect(result.stdout.contains("muster: store: PostgreSQL at postgres://muster@127.0.0.1:"), "\(result)")
        #expect(result.stdout.contains("muster: stopped"), "\(result)")
    }
}
