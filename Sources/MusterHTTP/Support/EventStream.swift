import Hummingbird
import NIOCore
import ServiceLifecycle

/// A Server-Sent Events answer (`text/event-stream`) that watches something by asking `poll` every `interval` and
/// sends an event whenever the answer changes, a comment line as keep-alive otherwise (every 15 s), so that an open
/// page shows changes within the interval without reloading. Watching the store rather than this process's own
/// events means a change made through any node of a cluster appears too.
///
/// The stream ends by itself after `lifetime` (browsers and the console reconnect), when the node begins its
/// graceful shutdown (so an open page never holds a stopping server), when the client goes away (a write fails),
/// or when `poll` answers `nil` (what was watched is gone: a last `gone` event is sent).
struct EventStream: Sendable {
    /// One event: its name and its data (one line of JSON).
    struct Event: Sendable, Equatable {
        var name: String
        var data: String
    }

    var interval: Duration = .milliseconds(500)
    var keepAlive: Duration = .seconds(15)
    var lifetime: Duration = .seconds(600)

    func response(_ poll: @escaping @Sendable () async throws -> Event?) -> Response {
        let (interval, keepAlive, lifetime) = (self.interval, self.keepAlive, self.lifetime)
        let body = ResponseBody { writer in
            let clock = ContinuousClock()
            let end = clock.now + lifetime
            var last: Event?
            var lastWrite = clock.now
            // Tells the client how soon to come back after the stream ends.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            while clock.now < end, !Task.isCancelled, !Task.isShuttingDownGracefully {
                var event: Event?
                do {
                    guard let polled = try await poll() else {
                        try await writer.write(ByteBuffer(string: "event: gone\ndata: {}\n\n"))
                        break
                    }
                    event = polled
                } catch {
                    // The store is away for a moment (busy, a failover): the stream stays, the next poll tries again.
                }
                if let event, event != last {
                    try await writer.write(ByteBuffer(string: "event: \(event.name)\ndata: \(event.data)\n\n"))
                    last = event
                    lastWrite = clock.now
                } else if clock.now - lastWrite >= keepAlive {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = clock.now
                }
                try? await Task.sleep(for: interval)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: body)
    }
}
