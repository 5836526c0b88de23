import Foundation
import MusterTestSupport
import NIOCore
import NIOPosix
import Testing

/// `http.idleTimeout` over a real socket: a connection that sends nothing, or half a request and then nothing (a
/// slowloris client), is closed once it has read nothing for that long; requests on other connections go on.
@Suite struct HTTPIdleTimeoutTests {
    /// Opens a TCP connection, writes `bytes`, and returns how long the server took to close it (nil: still open
    /// after `limit`).
    private func secondsUntilClosed(port: Int, writing bytes: String, limit: Duration) async throws -> Double? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let start = ContinuousClock.now
        return try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(string: bytes)) }
            return try await withThrowingTaskGroup(of: Double?.self) { group in
                group.addTask {
                    do { for try await _ in inbound {} } catch {}
                    let elapsed = ContinuousClock.now - start
                    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        }
    }

    @Test func silentAndHalfSentConnectionsAreClosedAfterTheIdleTimeout() async throws {
        try await TestServer.run(settings: ["http.idleTimeout": "1"]) { server in
            let port = try #require(server.ports["http"])
            async let silent = secondsUntilClosed(port: port, writing: "", limit: .seconds(30))
            async let half = secondsUntilClosed(port: port, writing: "POST /api/v1/provision HTTP/1.1\r\nHost: x\r\n", limit: .seconds(30))
            // Meanwhile other clients are served.
            #expect(try await server.send("GET", "/api/health").status == 200)
            let (silentSeconds, halfSeconds) = try await (silent, half)
            let closedSilent = try #require(silentSeconds, "a silent connection stayed open 30 s")
            let closedHalf = try #require(halfSeconds, "a half-sent request stayed open 30 s")
            // Not before the timeout; well before "never" (a loaded machine, as in the parallel test run, delays the
            // close by seconds).
            #expect(closedSilent >= 0.9 && closedSilent < 20, "\(closedSilent) s")
            #expect(closedHalf >= 0.9 && closedHalf < 20, "\(closedHalf) s")
        }
    }
}
