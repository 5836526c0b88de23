import Configuration
import Foundation
import Logging
import MusterApp
import MusterCore
import ServiceLifecycle
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A whole Muster server built by the composition root on a fresh data directory, listening on a free
/// loopback port, for end-to-end tests over real sockets.
package struct TestServer: Sendable {
    package static let adminEmail = "tenant@muster.test"
    package static let adminPassword = "tenant-secret-123"

    package let baseURL: String
    package let bootstrap: BootstrapLogins?
    package let dataDirectory: String
    /// The bound port of each listener (`http`, `mqtt`, `coap`).
    package let ports: [String: Int]

    /// Runs `body` against a started server, then shuts the server down gracefully.
    /// - Parameters:
    ///   - settings: Extra configuration keys (e.g. `"provision.failureLimit": "3"`).
    ///   - store: The store the server opens: a new, empty one of this kind (`MUSTER_TEST_STORE`, SQLite by
    ///     default), unless `settings` names `database.url`.
    package static func run(
        settings: [String: String] = [:], dataDirectory: TemporaryDirectory? = nil,
        store: TestStoreKind = .fromEnvironment,
        _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        var settings = settings
        if settings["database.url"] == nil, dataDirectory == nil {
            settings.merge(try await store.settings()) { own, _ in own }
        }
        let directory = try dataDirectory ?? TemporaryDirectory()
        defer { if dataDirectory == nil { directory.remove() } }
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "dataDir": .init(.string(directory.path), isSecret: false),
            "http.host": .init(.string("127.0.0.1"), isSecret: false),
            "http.port": .init(.int(0), isSecret: false),
            "mqtt.port": .init(.int(0), isSecret: false),
            "mqtt.tlsPort": .init(.int(0), isSecret: false),
            "coap.port": .init(.int(0), isSecret: false),
            "admin.email": .init(.string(adminEmail), isSecret: false),
            "admin.password": .init(.string(adminPassword), isSecret: true),
        ]
        for (key, value) in settings {
            let content: ConfigContent = Int(value).map { .int($0) } ?? .string(value)
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = .init(content, isSecret: false)
        }
        var logger = Logger(label: "muster-test")
        logger.logLevel = .warning
        let runtime = try await buildServices(
            config: ConfigReader(provider: InMemoryProvider(values: values)), logger: logger, handleSignals: false,
            shutdown: .testProcess
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runtime.group.run() }
            var ports: [String: Int] = [:]
            for name in ["http", "mqtt", "mqtts", "coap"] { ports[name] = await runtime.listeners.address(of: name).port }
            let server = TestServer(
                baseURL: "http://127.0.0.1:\(ports["http"] ?? 0)", bootstrap: runtime.bootstrap, dataDirectory: directory.path,
                ports: ports
            )
            do {
                try await body(server)
            } catch {
                await runtime.group.triggerGracefulShutdown()
                throw error
            }
            await runtime.group.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    /// One HTTP exchange.
    package struct Reply: Sendable {
        package var status: Int
        package var body: Data
        package var headers: [String: String]

        package var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as JSON.
        package func json() throws -> JSONValue { try JSONParser.parse(Array(body)) }
    }

    /// Sends a request and returns the reply, whatever its status.
    package func send(
        _ method: String, _ path: String, body: String? = nil, bytes: Data? = nil, token: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8) }
        if let bytes { request.httpBody = bytes }
        if request.httpBody != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "X-Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)".lowercased()] = "\(value)" }
        return Reply(status: http.statusCode, body: data, headers: fields)
    }

    /// Logs in and returns the access token.
    package func login(email: String = adminEmail, password: String = adminPassword) async throws -> String {
        let reply = try await send("POST", "/api/auth/login", body: #"{"username":"\#(email)","password":"\#(password)"}"#)
        guard reply.status == 200, let token = try reply.json()["token"]?.stringValue else {
            throw TestServerError.loginFailed(status: reply.status, body: reply.text)
        }
        return token
    }
}

/// Failures of the test harness itself.
package enum TestServerError: Error {
    case loginFailed(status: Int, body: String)
    /// Something the test waited for did not happen in time.
    case timedOut(String)
}
