import Foundation
import Logging
import MusterPostgres
import PostgresNIO
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away PostgreSQL server for the tests of this process: the one `MUSTER_TEST_POSTGRES_URL` names
/// (`scripts/test.sh` starts one), else a cluster made here with Debian's `initdb` and `pg_ctl` in a temporary
/// directory on a free loopback port (as the `postgres` user when running as root, as CI does), stopped and
/// removed when the process exits. Each test takes a database of its own (``makeDatabase()``).
///
/// PostgreSQL missing is a failure with instructions, never a skip.
package enum PostgresTestCluster {
    package enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case command(String, status: Int32, output: String)

        package var description: String {
            switch self {
            case .notInstalled:
                "PostgreSQL is not installed (Debian package postgresql; scripts/test.sh installs it), "
                    + "or set MUSTER_TEST_POSTGRES_URL to a server's postgres://…/postgres URL"
            case .command(let command, let status, let output): "\(command) exited with \(status): \(output)"
            }
        }
    }

    /// The server's URL on its `postgres` database.
    private static let server: Result<PostgresDatabaseURL, any Error> = Result {
        if let url = ProcessInfo.processInfo.environment["MUSTER_TEST_POSTGRES_URL"], !url.isEmpty {
            return try PostgresDatabaseURL(url)
        }
        return try startCluster()
    }

    private static let counter = Atomic<Int>(0)

    /// A new, empty database on the server.
    package static func makeDatabase(logger: Logger = Logger(label: "postgres-test")) async throws -> PostgresDatabaseURL {
        var url = try server.get()
        let name = "muster_test_\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        let admin = PostgresClient(configuration: try url.clientConfiguration())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            group.cancelAll()
        }
        url.database = name
        return url
    }

    /// Runs `statements`, one at a time, on the server's `postgres` database as its superuser: what a test does to
    /// the server around its own database (refusing and ending its connections, then letting them in again).
    package static func administer(_ statements: [String], logger: Logger = Logger(label: "postgres-test")) async throws {
        let admin = PostgresClient(configuration: try server.get().clientConfiguration())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            for statement in statements {
                for try await _ in try await admin.query(PostgresQuery(unsafeSQL: statement), logger: logger) {}
            }
            group.cancelAll()
        }
    }

    // MARK: - A cluster of our own

    /// The data directory to remove at exit (read by the exit handler).
    nonisolated(unsafe) private static var clusterDirectory: String?
    nonisolated(unsafe) private static var pgCtl: String?

    private static func startCluster() throws -> PostgresDatabaseURL {
        let fileManager = FileManager.default
        let versions = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        guard let version = versions.first(where: {
            fileManager.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
        }) else { throw Failure.notInstalled }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let directory = fileManager.temporaryDirectory.appendingPathComponent("muster-pg-\(getpid())").path
        try? fileManager.removeItem(atPath: directory)
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { try run("/bin/chown", ["postgres:postgres", directory], asPostgres: false) }
        let port = try freePort()
        try run(
            "\(bin)/initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", "muster", "-E", "UTF8", "--no-sync",
                // A linguistic default collation (ICU English, as production databases often have), so that the
                // tests prove the store orders names, keys, types and labels by code point as SQLite does.
                "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US"],
            asPostgres: asRoot)
        clusterDirectory = directory
        pgCtl = "\(bin)/pg_ctl"
        atexit {
            guard let directory = PostgresTestCluster.clusterDirectory, let pgCtl = PostgresTestCluster.pgCtl else { return }
            let asRoot = getuid() == 0
            _ = PostgresTestCluster.spawnAndWait(
                asRoot ? "/usr/sbin/runuser" : pgCtl,
                (asRoot ? ["-u", "postgres", "--", pgCtl] : []) + ["-D", "\(directory)/data", "-m", "immediate", "stop"],
                output: "/dev/null")
            try? FileManager.default.removeItem(atPath: directory)
        }
        try run(
            "\(bin)/pg_ctl",
            [
                "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", "60", "-o",
                "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                    + "-c full_page_writes=off -c max_connections=400",
                "start",
            ], asPostgres: asRoot)
        return try PostgresDatabaseURL("postgres://muster@127.0.0.1:\(port)/postgres")
    }

    /// Runs `executable` (through `runuser -u postgres` when `asPostgres`) and waits for it.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, not with Foundation's `Process`: on Linux, `Process`
    /// learns that its child ended when a socket the child inherits closes, and the server that `pg_ctl start`
    /// leaves running inherits it too, so `waitUntilExit()` would never return. The child gets `/dev/null` as
    /// input and a file as output.
    private static func run(_ executable: String, _ arguments: [String], asPostgres: Bool) throws {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("muster-pg-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status = spawnAndWait(
            asPostgres ? "/usr/sbin/runuser" : executable,
            (asPostgres ? ["-u", "postgres", "--", executable] : []) + arguments, output: outputPath)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw Failure.command(executable, status: status, output: text)
        }
    }

    /// Runs `path` with `arguments`, its output appended to `output`, and returns its exit status (128 + the
    /// signal when a signal ended it, -1 when it could not start).
    package static func spawnAndWait(_ path: String, _ arguments: [String], output: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// A loopback TCP port that was free a moment ago.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(descriptor, pointer, length) == 0 else { return -1 }
                return getsockname(descriptor, pointer, &length)
            }
        }
        guard bound == 0 else { throw Failure.command("bind", status: errno, output: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
