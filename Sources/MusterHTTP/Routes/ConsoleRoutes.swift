import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Serves the web console's static files (resources of this target) at `/`.
///
/// The files are read once into memory. `index.html` is served with `no-cache` and names every other file under
/// `/console/v/<version>/…`, where `<version>` is a hash of all the files: those URLs never change content, so they are
/// cached as `immutable` for a year, and a new build gets new URLs. Relative module imports inside the scripts stay
/// under the same versioned prefix. `/console/<path>` without a version is served with `no-cache` and an ETag.
/// Every answer carries ``ConsoleAssets/securityHeaders`` (Content-Security-Policy without inline script,
/// `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, `X-Content-Type-Options: nosniff`).
struct ConsoleRoutes {
    func register(on router: Router<MusterRequestContext>) {
        router.get("/") { request, _ in ConsoleAssets.shared.index(request) }
        router.get("/index.html") { request, _ in ConsoleAssets.shared.index(request) }
        router.get("/console/**") { request, _ in
            let path = String(request.uri.path.dropFirst("/console/".count))
            return try ConsoleAssets.shared.file(path, request: request)
        }
    }
}

/// The console's files, loaded once.
struct ConsoleAssets: Sendable {
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var etag: String
    }

    static let shared = ConsoleAssets()
    static let versionPlaceholder = "__CONSOLE_VERSION__"

    let files: [String: Asset]
    let version: String
    let indexPage: Asset

    init() {
        var loaded: [String: Data] = [:]
        if let directory = ResourceBundle.url?.appendingPathComponent("Assets"),
            let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        {
            let base = directory.standardizedFileURL.path
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                    let data = try? Data(contentsOf: url)
                else { continue }
                var relative = String(url.standardizedFileURL.path.dropFirst(base.count))
                while relative.hasPrefix("/") { relative.removeFirst() }
                loaded[relative] = data
            }
        }
        var digest = FNV1a()
        for name in loaded.keys.sorted() {
            digest.add(Data(name.utf8))
            digest.add(loaded[name]!)
        }
        let version = digest.hex
        var files: [String: Asset] = [:]
        for (name, data) in loaded {
            files[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: Self.contentType(name), etag: Self.etag(data))
        }
        let indexText = String(decoding: loaded["index.html"] ?? Data("<!doctype html><title>Muster</title>".utf8), as: UTF8.self)
            .replacingOccurrences(of: Self.versionPlaceholder, with: version)
        let indexData = Data(indexText.utf8)
        self.files = files
        self.version = version
        self.indexPage = Asset(bytes: ByteBuffer(bytes: indexData), contentType: "text/html; charset=utf-8", etag: Self.etag(indexData))
    }

    func index(_ request: Request) -> Response {
        respond(indexPage, cache: "no-cache", request: request)
    }

    func file(_ path: String, request: Request) throws -> Response {
        var name = path
        var cache = "no-cache"
        if name.hasPrefix("v/") {
            let rest = name.dropFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { throw HTTPError(.notFound) }
            // An old version's URL still gets the current file, but must not be cached as immutable.
            if rest[..<slash] == version { cache = "public, max-age=31536000, immutable" }
            name = String(rest[rest.index(after: slash)...])
        }
        guard !name.contains(".."), name != "index.html", let asset = files[name] else { throw HTTPError(.notFound) }
        return respond(asset, cache: cache, request: request)
    }

    private func respond(_ asset: Asset, cache: String, request: Request) -> Response {
        var headers: HTTPFields = [.cacheControl: cache, .eTag: asset.etag, .contentType: asset.contentType]
        for (name, value) in Self.securityHeaders { headers[name] = value }
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }

    /// Sent with every console file (also with 304): scripts, styles, images and requests only from the server itself
    /// (no inline script, style or handler runs, so a name that looks like markup stays text even if it were ever
    /// parsed as HTML), no plugins, no framing (clickjacking), no `<base>`, no referrer, no type sniffing.
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (
            HTTPField.Name("Content-Security-Policy")!,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        ),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
    ]

    private static func etag(_ data: Data) -> String {
        var digest = FNV1a()
        digest.add(data)
        return "\"\(digest.hex)-\(data.count)\""
    }

    private static func contentType(_ name: String) -> String {
        switch (name as NSString).pathExtension {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "json": return "application/json"
        case "csv": return "text/csv; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}

/// 64-bit FNV-1a: a content fingerprint for cache busting (not a security hash).
private struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ data: Data) {
        for byte in data {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
    }

    var hex: String { String(value, radix: 16) }
}
