import Foundation
import Hummingbird
import NIOCore

/// Serves the web console's static files (resources of this target) at `/`.
struct ConsoleRoutes {
    func register(on router: Router<MusterRequestContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        router.get("/console/**") { request, _ in
            let name = String(request.uri.path.dropFirst("/console/".count))
            return try serve(name)
        }
    }

    private func serve(_ name: String) throws -> Response {
        guard !name.contains(".."), let directory = Bundle.module.resourceURL?.appendingPathComponent("Assets") else {
            throw HTTPError(.notFound)
        }
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else { throw HTTPError(.notFound) }
        let type: String
        switch url.pathExtension {
        case "html": type = "text/html; charset=utf-8"
        case "js": type = "text/javascript; charset=utf-8"
        case "css": type = "text/css; charset=utf-8"
        case "svg": type = "image/svg+xml"
        case "png": type = "image/png"
        default: type = "application/octet-stream"
        }
        let cache = name == "index.html" ? "no-cache" : "public, max-age=300"
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
