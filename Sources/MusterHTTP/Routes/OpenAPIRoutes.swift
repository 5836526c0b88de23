import Foundation
import Hummingbird
import NIOCore

/// `GET /api/openapi.json`, without authentication: the OpenAPI 3.1 document of the admin REST API and the device
/// HTTP API (`OpenAPI/openapi.json`, a resource of this target like the console's files, read once; 404 when the
/// resource bundle is missing, ``ResourceBundle``).
struct OpenAPIRoutes {
    func register(on router: Router<MusterRequestContext>) {
        router.get("/api/openapi.json") { _, _ in
            guard let document = Self.document else { throw HTTPError(.notFound) }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                body: .init(byteBuffer: document))
        }
    }

    /// The document's bytes, or `nil` when the resource is missing.
    static let document: ByteBuffer? = {
        guard let url = ResourceBundle.url?.appendingPathComponent("openapi.json"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return ByteBuffer(bytes: data)
    }()
}
