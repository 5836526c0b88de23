import Logging
import MusterCore
import PostgresNIO
import Synchronization

/// The connection pools of the database URL's hosts, and which of them accepts writes: the store's statements go
/// to that one (``client``).
///
/// With one host this is one pool and nothing more. With several (a pg_auto_failover pair, `host1,host2` in the
/// URL) it finds, at start and after each sign that the primary changed (``suspect(_:)``: a lost or refused
/// connection, a server shutting down, a write refused as read-only, or the primary not answering the check made
/// every second), the host that accepts writes, asking each
/// host on a fresh connection whether it is in recovery and whether `transaction_read_only` is off, as libpq's
/// `target_session_attrs=read-write` does. While it searches, statements fail at once with
/// ``PostgresStoreError/noPrimary`` (503 with `Retry-After`), so no request waits on a dead host or writes to a
/// standby; the search repeats every 250 ms until a host accepts writes.
package final class PostgresPrimary: Sendable {
    private struct State {
        var current = 0
        var searching = false
        /// What to call when a search starts: the waits of the statements in flight (``abandonOnSearch(_:)``).
        var inFlight: [Int: @Sendable () -> Void] = [:]
        var nextInFlight = 0
    }

    let url: PostgresDatabaseURL
    private let options: PostgresStoreOptions
    private let clients: [PostgresClient]
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let logger: Logger

    init(url: PostgresDatabaseURL, options: PostgresStoreOptions, logger: Logger) throws {
        self.url = url
        self.options = options
        self.logger = logger
        clients = try url.endpoints.indices.map { endpoint in
            PostgresClient(
                configuration: try url.clientConfiguration(options, endpoint: endpoint), backgroundLogger: logger)
        }
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The pool of the host that accepts writes (the last one found).
    var client: PostgresClient { clients[state.withLock { $0.current }] }

    /// The index in ``PostgresDatabaseURL/endpoints`` of the host that accepts writes (the last one found).
    var current: Int { state.withLock { $0.current } }

    /// Whether the search for the primary is under way (statements are refused meanwhile).
    var isSearching: Bool { state.withLock { $0.searching } }

    /// Runs the pools and, with several hosts, the search after each suspicion, until the task is cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            for client in clients { group.addTask { await client.run() } }
            if clients.count > 1 {
                group.addTask { await self.watch() }
                group.addTask { await self.checkEverySecond() }
            }
        }
    }

    /// Asks the current primary, on a fresh connection, whether it still accepts writes, every second while no
    /// search is under way. A primary killed or cut off may leave the pool's connections silent rather than
    /// failed (a statement waiting for the synchronous standby, new connections retried by the pool), so nothing
    /// else would notice; this does within about a second, and the search finds the new primary.
    private func checkEverySecond() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            guard !isSearching else { continue }
            let host = current
            if await !acceptsWrites(host), !isSearching, current == host {
                suspect("the primary did not answer as a server that accepts writes")
            }
        }
    }

    /// Finds the host that accepts writes before the store opens, trying for at most `timeout`.
    /// - Throws: ``PostgresStoreError/unreachable(url:reason:)`` when none did in time.
    func locate(timeout: Duration) async throws {
        guard clients.count > 1 else { return }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = await probe() {
                state.withLock { $0.current = found }
                logger.info("postgres: writing to the primary", metadata: ["host": "\(url.endpoints[found])"])
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw PostgresStoreError.unreachable(url: url.redacted, reason: "no host accepts writes within \(timeout)")
    }

    /// Notes that `error` may mean the primary moved (a failure the store reports as unavailable) and, with
    /// several hosts, starts a search unless one is under way.
    func observe(_ error: any Error) {
        guard clients.count > 1 else { return }
        let unwrapped = PostgresStore.unwrapped(error)
        guard (unwrapped as? any StoreFailureReporting)?.storeFailure == .unavailable,
            !((unwrapped as? PostgresStoreError) == .noPrimary)
        else { return }
        suspect((unwrapped as? any StoreFailureReporting)?.storeDiagnostic ?? "\(unwrapped)")
    }

    /// Runs `operation` against the primary: refused at once (``PostgresStoreError/noPrimary``) while a search runs,
    /// waited for at most `limit` (``withDeadline(_:onTimeout:abandon:_:)``: then `onTimeout()`), abandoned with
    /// `noPrimary` when a search starts, and its unavailable-class failure starting one (``observe(_:)``). Every
    /// statement of the store, the batcher and the limiters' counts goes through it.
    func bounded<T: Sendable>(
        _ limit: Duration?, onTimeout: @escaping @Sendable () -> any Error,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard !isSearching else { throw PostgresStoreError.noPrimary }
        do {
            return try await withDeadline(limit, onTimeout: onTimeout, abandon: abandonOnSearch, operation)
        } catch {
            observe(error)
            throw error
        }
    }

    /// Registers `abandon`, called when a search starts (with several hosts only); returns what unregisters it.
    /// Given to ``withDeadline(_:onTimeout:abandon:_:)`` by ``bounded(_:onTimeout:_:)``.
    private func abandonOnSearch(_ abandon: @escaping @Sendable (any Error) -> Void) -> @Sendable () -> Void {
        guard clients.count > 1 else { return {} }
        let token = state.withLock { state -> Int in
            state.nextInFlight += 1
            state.inFlight[state.nextInFlight] = { abandon(PostgresStoreError.noPrimary) }
            return state.nextInFlight
        }
        return { [self] in _ = state.withLock { $0.inFlight.removeValue(forKey: token) } }
    }

    /// Starts a search for the primary unless one is under way.
    func suspect(_ reason: String) {
        guard clients.count > 1 else { return }
        // The statements in flight were sent to the host that went away: PostgresNIO may never answer one whose
        // connection the server closed under it, and whatever they commit is found by the request's re-send. Their
        // callers are answered "unavailable" now instead of after the statement bound.
        let abandoned = state.withLock { state -> [@Sendable () -> Void]? in
            guard !state.searching else { return nil }
            state.searching = true
            defer { state.inFlight.removeAll() }
            return Array(state.inFlight.values)
        }
        guard let abandoned else { return }
        for abandon in abandoned { abandon() }
        logger.warning(
            "postgres: the primary may have moved; refusing statements (503) while looking for the host that accepts writes",
            metadata: ["reason": "\(reason)", "host": "\(url.endpoints[current])"])
        wake.yield()
    }

    /// Searches after each wake-up until a host accepts writes.
    private func watch() async {
        for await _ in wakeups {
            let started = ContinuousClock.now
            var attempts = 0
            while !Task.isCancelled {
                attempts += 1
                if let found = await probe() {
                    let previous = state.withLock { state -> Int in
                        defer {
                            state.current = found
                            state.searching = false
                        }
                        return state.current
                    }
                    logger.notice(
                        found == previous ? "postgres: the primary is where it was" : "postgres: the primary moved",
                        metadata: [
                            "host": "\(url.endpoints[found])", "previous": "\(url.endpoints[previous])",
                            "searched": "\(ContinuousClock.now - started)",
                        ])
                    break
                }
                if attempts % 40 == 0 {
                    logger.warning(
                        "postgres: no host accepts writes yet", metadata: ["searching": "\(ContinuousClock.now - started)"])
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// The host that accepts writes, asking all at once (each within 2 s); the current one when it still does,
    /// else the first in the URL's order; `nil` when none does.
    private func probe() async -> Int? {
        let writable = await withTaskGroup(of: Int?.self) { group -> Set<Int> in
            for index in clients.indices {
                group.addTask { await self.acceptsWrites(index) ? index : nil }
            }
            var writable: Set<Int> = []
            for await index in group { if let index { writable.insert(index) } }
            return writable
        }
        let current = current
        return writable.contains(current) ? current : writable.min()
    }

    /// Whether the host at `index` answers on a new connection as a server that accepts writes.
    private func acceptsWrites(_ index: Int) async -> Bool {
        guard var made = try? url.connectionConfiguration(options, endpoint: index) else { return false }
        made.options.connectTimeout = .seconds(2)
        let configuration = made
        let logger = logger
        do {
            return try await withDeadline(.seconds(2), onTimeout: { PostgresStoreError.noPrimary }) {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 1_000_000 + index, logger: logger)
                do {
                    var writable = false
                    let rows = try await connection.query(
                        "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')", logger: logger)
                    for try await (recovery, readOnly) in rows.decode((Bool, String).self) {
                        writable = !recovery && readOnly == "off"
                    }
                    try? await connection.close()
                    return writable
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch {
            return false
        }
    }
}
