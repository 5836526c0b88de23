import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// `muster import` end to end: the real binary against a real server (``TestServer``) over loopback HTTP.
@Suite struct ImportCommandTests {
    /// The three-device file of the console issue.
    static let devicesCSV = """
        name,type,label,serialNumber,accessToken
        Sensor-001,Temperature Sensor,Warehouse A,SN-4A21F,tok-a1b2c3d4
        Sensor-002,Temperature Sensor,Warehouse B,SN-4A22F,tok-e5f6g7h8
        Gateway-001,IoT Gateway,Main Hub,GW-0010A,tok-i9j0k1l2

        """
    static let devicesColumns = "name,type,label,server:serialNumber,token"

    /// The logins of the test server's tenant administrator.
    static func credentials(password: String = TestServer.adminPassword) -> [String: String] {
        ["MUSTER_USERNAME": TestServer.adminEmail, "MUSTER_PASSWORD": password]
    }

    /// Writes `text` to `name` in a fresh directory and runs `muster import` on it against `server`.
    static func importFile(
        _ text: String, named name: String = "devices.csv", columns: String = devicesColumns, entity: String = "device",
        _ extra: [String] = [], server: TestServer, environment: [String: String] = credentials(),
        in directory: TemporaryDirectory
    ) async throws -> CommandResult {
        let path = directory.appending(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try await MusterCommandRunner.run(
            ["import", path, "--entity", entity, "--columns", columns, "--server", server.baseURL] + extra,
            environment: environment
        )
    }

    /// The names of the tenant's devices, over REST.
    static func deviceNames(_ server: TestServer) async throws -> [String] {
        let token = try await server.login()
        let reply = try await server.send("GET", "/api/tenant/devices?pageSize=10&page=0", token: token)
        guard case .array(let devices)? = try reply.json()["data"] else { return [] }
        return devices.compactMap { $0["name"]?.stringValue }.sorted()
    }

    /// How many import jobs the tenant has, over REST.
    static func jobCount(_ server: TestServer) async throws -> Int {
        let reply = try await server.send("GET", "/api/imports", token: try await server.login())
        guard case .array(let jobs) = try reply.json() else { return -1 }
        return jobs.count
    }

    @Test func importsThenRefusesExistingThenUpdates() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }

            // Given a fresh tenant, when the file is imported, then the three devices are created.
            let first = try await Self.importFile(Self.devicesCSV, server: server, in: directory)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.contains("created: 3"), "\(first)")
            #expect(first.stdout.contains("failed:  0"), "\(first)")
            #expect(first.stdout.contains("DONE"), "\(first)")
            #expect(first.stdout.contains("IoT Gateway") && first.stdout.contains("Temperature Sensor"), "\(first)")
            #expect(try await Self.deviceNames(server) == ["Gateway-001", "Sensor-001", "Sensor-002"])

            // When it is imported again without --update, then every row fails as already existing.
            let second = try await Self.importFile(Self.devicesCSV, server: server, in: directory)
            #expect(second.status == 1, "\(second)")
            #expect(second.stdout.contains("failed:  3"), "\(second)")
            let errorLines = second.stdout.split(separator: "\n").filter { $0.hasPrefix("  Line ") }
            #expect(errorLines.count == 3, "\(second)")
            #expect(errorLines.allSatisfy { $0.contains("already exists") }, "\(second)")
            #expect(second.stdout.contains("\(server.baseURL)/api/imports/"), "\(second)")
            #expect(second.stdout.contains("/errors.csv"), "\(second)")

            // When it is imported with --update, then the three devices are updated.
            let third = try await Self.importFile(Self.devicesCSV, ["--update"], server: server, in: directory)
            #expect(third.status == 0, "\(third)")
            #expect(third.stdout.contains("updated: 3"), "\(third)")
            #expect(third.stdout.contains("created: 0"), "\(third)")
        }
    }

    @Test func dryRunWritesNothing() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let result = try await Self.importFile(Self.devicesCSV, ["--dry-run"], server: server, in: directory)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("dry run: would create 3, update 0, reject 0"), "\(result)")
            #expect(result.stdout.contains("nothing was written"), "\(result)")
            #expect(try await Self.deviceNames(server) == [])
        }
    }

    @Test func errorsCSVIsDownloaded() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            _ = try await Self.importFile(Self.devicesCSV, server: server, in: directory)
            let errors = directory.appending("failed.csv")
            let result = try await Self.importFile(
                Self.devicesCSV, ["--errors-csv", errors], server: server, in: directory)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("saved to \(errors)"), "\(result)")
            let text = try String(contentsOfFile: errors, encoding: .utf8)
            let lines = text.split(whereSeparator: \.isNewline)
            #expect(lines.count == 4, "header and three failed rows: \(text)")
            #expect(lines.dropFirst().allSatisfy { $0.contains("already exists") }, "\(text)")
        }
    }

    @Test func semicolonFileWithoutHeader() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let text = "Pump-1;Pump;\"Hall 1; east\"\nPump-2;Pump;Hall 2\n"
            let result = try await Self.importFile(
                text, columns: "name,type,label", ["--delimiter", ";", "--no-header"], server: server, in: directory
            )
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("created: 2"), "\(result)")
            #expect(try await Self.deviceNames(server) == ["Pump-1", "Pump-2"])
        }
    }

    @Test func importsAssets() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let text = "name,type,floor\nBuilding A,Building,3\nBuilding B,Building,4\n"
            let result = try await Self.importFile(
                text, columns: "name,type,server:floor:LONG", entity: "asset", server: server, in: directory
            )
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("created: 2"), "\(result)")
        }
    }

    @Test func mappingWithoutTypeIsRefusedBeforeUpload() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let result = try await Self.importFile(
                Self.devicesCSV, columns: "name,label,label2,server:serialNumber,token", server: server, in: directory
            )
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("unknown column 'label2'"), "\(result)")
            let noType = try await Self.importFile(
                Self.devicesCSV, columns: "name,label,server:type,server:serialNumber,token", server: server,
                in: directory
            )
            #expect(noType.status == 64, "\(noType)")
            #expect(noType.stderr.contains("a 'type' column is required"), "\(noType)")
            #expect(try await Self.jobCount(server) == 0)
        }
    }

    @Test func wrongPasswordFailsClearly() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let result = try await Self.importFile(
                Self.devicesCSV, server: server, environment: Self.credentials(password: "wrong-password"),
                in: directory
            )
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("login failed:"), "\(result)")
            #expect(!result.stderr.contains("wrong-password"), "the password is never printed")
            #expect(try await Self.jobCount(server) == 0)
        }
    }

    @Test func missingCredentialsWithoutTerminalFailsClearly() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let result = try await Self.importFile(
                Self.devicesCSV, server: server, environment: ["MUSTER_USERNAME": TestServer.adminEmail], in: directory
            )
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("set MUSTER_USERNAME and MUSTER_PASSWORD"), "\(result)")
        }
    }

    @Test func serverFromEnvironment() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.appending("devices.csv")
            try Data(Self.devicesCSV.utf8).write(to: URL(fileURLWithPath: path))
            var environment = Self.credentials()
            environment["MUSTER_SERVER"] = server.baseURL + "/"
            let result = try await MusterCommandRunner.run(
                ["import", path, "--entity", "device", "--columns", Self.devicesColumns], environment: environment
            )
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("created: 3"), "\(result)")
        }
    }

    /// Once flaky: the command counted SIGINT through a Dispatch source, which on Linux sees only signals that the
    /// kernel hands to one thread; now a signal handler counts them whichever thread receives them.
    @Test func interruptCancelsTheJob() async throws {
        try await TestServer.run { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            // Given a file large enough to be still running when Ctrl-C arrives (a debug server imports about
            // 10,000 rows per second, and a loaded machine delays the signal by seconds),
            var text = "name,type,serial\n"
            for index in 0..<400_000 { text += "Bulk-\(index),Bulk Sensor,SN-\(index)\n" }
            let path = directory.appending("bulk.csv")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))

            // when Ctrl-C arrives as soon as the job has started,
            let result = try await MusterCommandRunner.run(
                [
                    "import", path, "--entity", "device", "--columns", "name,type,server:serial", "--server",
                    server.baseURL,
                ],
                environment: Self.credentials(), interruptOn: "started; Ctrl-C cancels it"
            )

            // then the job is cancelled on the server, reported, and the command fails.
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("interrupted: cancelling import"), "\(result)")
            #expect(result.stdout.contains("CANCELLED"), "\(result)")
            let reply = try await server.send("GET", "/api/imports", token: try await server.login())
            guard case .array(let jobs) = try reply.json(), let job = jobs.first else {
                Issue.record("no job: \(reply.text)")
                return
            }
            #expect(job["status"]?.stringValue == "CANCELLED")
        }
    }

    @Test func missingFileFailsBeforeLogin() async throws {
        let result = try await MusterCommandRunner.run(
            [
                "import", "/nonexistent/devices.csv", "--entity", "device", "--columns", "name,type", "--server",
                "http://127.0.0.1:1",
            ],
            environment: Self.credentials()
        )
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("cannot read /nonexistent/devices.csv: no such file"), "\(result)")
    }

    @Test func unreachableServerFailsClearly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("devices.csv")
        try Data(Self.devicesCSV.utf8).write(to: URL(fileURLWithPath: path))
        let result = try await MusterCommandRunner.run(
            ["import", path, "--entity", "device", "--columns", Self.devicesColumns, "--server", "http://127.0.0.1:1"],
            environment: Self.credentials()
        )
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("cannot reach the server at http://127.0.0.1:1"), "\(result)")
    }
}
