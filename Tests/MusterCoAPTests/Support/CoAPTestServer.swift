import Configuration
import Foundation
import Logging
import MusterApp
import MusterCore
import MusterTestSupport
import ServiceLifecycle

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The whole server built by the composition root, as ``TestServer`` builds it, but also exposing the CoAP
/// port (TestServer only exposes the HTTP base URL).
struct CoAPTestServer: Sendable {
    let baseURL: String
    let coapPort: Int

    /// One admin REST call; returns the status and body.
    func rest(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "X-Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Logs in as the tenant administrator.
    func login() async throws -> String {
        let (_, data) = try await rest(
            "POST",
            "/api/auth/login",
            body: #"{"username":"\#(TestServer.adminEmail)","password":"\#(TestServer.adminPassword)"}"#
        )
        return try JSONParser.parse(Array(data))["token"]?.stringValue ?? ""
    }

    static func run(_ body: @Sendable (CoAPTestServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let values: [AbsoluteConfigKey: ConfigValue] = [
            "dataDir": .init(.string(directory.path), isSecret: false),
            "http.host": .init(.string("127.0.0.1"), isSecret: false),
            "http.port": .init(.int(0), isSecret: false),
            "mqtt.port": .init(.int(0), isSecret: false),
            "mqtt.tlsPort": .init(.int(0), isSecret: false),
            "coap.port": .init(.int(0), isSecret: false),
            "admin.email": .init(.string(TestServer.adminEmail), isSecret: false),
            "admin.password": .init(.string(TestServer.adminPassword), isSecret: true),
        ]
        var logger = Logger(label: "muster-coap-test")
        logger.logLevel = .warning
        let runtime = try await buildServices(
            config: ConfigReader(provider: InMemoryProvider(values: values)),
            logger: logger,
            handleSignals: false
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runtime.group.run() }
            let http = await runtime.listeners.address(of: "http")
            let coap = await runtime.listeners.address(of: "coap")
            let server = CoAPTestServer(
                baseURL: "http://127.0.0.1:\(http.port)",
                coapPort: coap.port
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
}
