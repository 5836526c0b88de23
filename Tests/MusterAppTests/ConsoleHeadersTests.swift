import Foundation
import MusterTestSupport
import Testing

/// Every console answer carries the browser protections (issue 14).
@Suite struct ConsoleHeadersTests {
    @Test func everyConsoleAnswerCarriesCSPFramingReferrerAndNosniffHeaders() async throws {
        try await TestServer.run { server in
            let index = try await server.send("GET", "/")
            #expect(index.status == 200)
            let script = try #require(index.text.firstMatch(of: /src="(\/console\/v\/[0-9a-f]+\/js\/app\.js)"/)?.output.1)
            #expect(!index.text.contains("<script>"), "no inline script in index.html")
            let app = try await server.send("GET", String(script))
            #expect(app.status == 200)
            let etag = try #require(app.headers["etag"])
            let notModified = try await server.send("GET", String(script), headers: ["If-None-Match": etag])
            #expect(notModified.status == 304)
            let unversioned = try await server.send("GET", "/console/style.css")
            #expect(unversioned.status == 200)
            for reply in [index, app, notModified, unversioned] {
                let policy = try #require(reply.headers["content-security-policy"])
                for directive in [
                    "default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'",
                ] {
                    #expect(policy.contains(directive), "\(directive) in \(policy)")
                }
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                #expect(reply.headers["x-frame-options"] == "DENY")
                #expect(reply.headers["referrer-policy"] == "no-referrer")
                #expect(reply.headers["x-content-type-options"] == "nosniff")
            }
        }
    }
}
