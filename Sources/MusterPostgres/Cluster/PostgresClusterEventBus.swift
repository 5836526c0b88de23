import Foundation
import Logging
import MusterCore
import PostgresNIO
import Synchronization

/// The ``ClusterEventBus`` of nodes sharing one PostgreSQL database: `NOTIFY` through the pool, `LISTEN` on one
/// connection of its own.
///
/// ``publish(_:)`` applies the events on this node at once and sends them with `pg_notify('muster_events', …)` in one
/// autocommit statement, which also reads the instance ids of the nodes listening at that moment (the listening
/// connections in `pg_stat_activity`, this node's excluded). Its last payload asks for an acknowledgement: every other
/// node's listener applies the payloads in order, then answers on ``acknowledgementChannel``. ``publish(_:)`` returns
/// once every node it counted has answered, or after ``acknowledgementTimeout``, naming the silent ones in a warning.
/// ``run()`` is the listening loop (a service of the node): one dedicated connection (`application_name`
/// `muster-listen #INSTANCE`, or `muster-listen NAME #INSTANCE`: ``applicationName(nodeName:instance:)``), `LISTEN`
/// on both channels, then ``ClusterEventDispatcher/resynchronize()`` before it counts as synchronized; every
/// notification from another node goes to the dispatcher (and is acknowledged when asked), this node's own are
/// skipped. After any loss it reconnects (100 ms, doubling to 2 s), the profile cache untrusted meanwhile.
package final class PostgresClusterEventBus: ClusterEventBus, Sendable {
    /// The notification channel of events.
    package static let channel = "muster_events"
    /// The notification channel of acknowledgements.
    package static let acknowledgementChannel = "muster_acks"
    /// How every listening connection's `application_name` begins.
    package static let applicationNamePrefix = "muster-listen"
    /// PostgreSQL keeps the first 63 bytes of an `application_name`.
    static let applicationNameLimit = 63

    /// The `application_name` of the listening connection of node `nodeName`, process `instance`:
    /// `muster-listen NAME #INSTANCE`, or `muster-listen #INSTANCE` without a name. The name is cut to fit PostgreSQL's
    /// 63 bytes and anything but printable ASCII becomes `?` (as PostgreSQL would), so the instance id always ends it.
    package static func applicationName(nodeName: String?, instance: String) -> String {
        let suffix = "#\(instance)"
        guard let nodeName, !nodeName.isEmpty else { return "\(applicationNamePrefix) \(suffix)" }
        let room = applicationNameLimit - applicationNamePrefix.utf8.count - suffix.utf8.count - 2
        let printable = String(String.UnicodeScalarView(nodeName.unicodeScalars.prefix(max(room, 0)).map {
            (0x20...0x7E).contains($0.value) ? $0 : "?"
        }))
        return "\(applicationNamePrefix) \(printable) \(suffix)"
    }

    private let primary: PostgresPrimary
    private var client: PostgresClient { primary.client }
    /// The listening connection's configuration for each host of the URL: it listens on the primary.
    private let listenConfigurations: [PostgresConnection.Configuration]
    /// The listening connection's configuration, on the host that accepts writes (LISTEN is refused on a standby).
    var listenConfiguration: PostgresConnection.Configuration {
        get throws {
            guard !primary.isSearching else { throw PostgresStoreError.noPrimary }
            return listenConfigurations[primary.current]
        }
    }
    let dispatcher: ClusterEventDispatcher
    /// This node, as the `origin` of what it sends.
    let nodeId = UUID()
    /// This process among the listening nodes: 8 hex digits, at the end of its listening connection's
    /// `application_name` and in its acknowledgements.
    package let instance: String
    /// The listening connection's `application_name` (``applicationName(nodeName:instance:)``).
    package let applicationName: String
    private let sequence = Atomic<UInt64>(0)
    let acknowledgements = Mutex(AcknowledgementState())
    /// The longest ``publish(_:)`` waits for the other nodes' acknowledgements.
    package let acknowledgementTimeout: Duration
    /// How often the listening connection is checked with `SELECT 1` (a connection cut without a word, by a
    /// firewall or a partition, otherwise looks alive for hours).
    let heartbeatInterval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - store: Whose pool sends the notifications.
    ///   - url: The database, for the listening connection.
    ///   - options: Its connect timeout.
    ///   - nodeName: The node's name, in the listening connection's `application_name`.
    ///   - dispatcher: Applies what arrives, and what this node publishes.
    ///   - acknowledgementTimeout: The longest a publish waits for the other nodes.
    package init(
        store: PostgresStore, options: PostgresStoreOptions, nodeName: String? = nil,
        dispatcher: ClusterEventDispatcher, acknowledgementTimeout: Duration = .seconds(2),
        heartbeatInterval: Duration = .seconds(5), logger: Logger
    ) throws {
        primary = store.primary
        instance = String(nodeId.uuidString.prefix(8)).lowercased()
        let applicationName = Self.applicationName(nodeName: nodeName, instance: instance)
        self.applicationName = applicationName
        listenConfigurations = try store.url.endpoints.indices.map { endpoint in
            var configuration = try store.url.connectionConfiguration(options, endpoint: endpoint)
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
            return configuration
        }
        self.dispatcher = dispatcher
        self.acknowledgementTimeout = acknowledgementTimeout
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
        // Nothing is heard until the loop listens: the profile cache waits for the first resynchronization.
        dispatcher.desynchronize()
    }

    /// Applies `events` here, sends them to every node, and waits (at most ``acknowledgementTimeout``) until every
    /// other node listening when they were committed has applied them. A failure to send is logged: the change is
    /// committed, other nodes see profile changes within the cache's time-to-live, but miss pushes. When this node's
    /// own listener is down it cannot hear acknowledgements: it returns without waiting.
    package func publish(_ events: [ClusterEvent]) async {
        guard !events.isEmpty else { return }
        for event in events { await dispatcher.applyLocally(event) }
        let last = sequence.add(UInt64(events.count), ordering: .relaxed).newValue
        let first = last - UInt64(events.count) + 1
        let payloads = events.enumerated().map { offset, event in
            let sequence = first + UInt64(offset)
            return ClusterEventPayload(origin: nodeId, sequence: sequence, event: event, acknowledge: sequence == last)
                .encoded()
        }
        // Acknowledgements can arrive before the statement's answer: they are collected from now on.
        let hearing = acknowledgements.withLock { state in
            if state.listening { state.pending[last] = PendingPublish() }
            return state.listening
        }
        let listening: Set<String>
        do {
            listening = try await Self.notify(client, payloads: payloads, excluding: instance, logger: logger)
        } catch {
            _ = acknowledgements.withLock { $0.pending.removeValue(forKey: last) }
            logger.error(
                "could not send a change to the other nodes",
                metadata: ["events": "\(events.count)", "error": "\(String(reflecting: error))"])
            return
        }
        guard hearing else {
            if !listening.isEmpty {
                logger.warning(
                    "cluster events: not listening, so not waiting for the other nodes to apply a change",
                    metadata: ["nodes": "\(listening.sorted())"])
            }
            return
        }
        let silent = await waitForAcknowledgements(of: last, from: listening)
        if !silent.isEmpty {
            logger.warning(
                "cluster events: nodes did not acknowledge a change in time",
                metadata: [
                    "nodes": "\(silent.sorted())", "waited": "\(acknowledgementTimeout)",
                    "events": "\(events.count)",
                ])
        }
    }

    /// Sends `payloads` on ``channel`` in one autocommit statement, in order.
    /// - Returns: the instance ids of the nodes listening then, `excluding` this one (nil: every one).
    @discardableResult
    static func notify(
        _ client: PostgresClient, payloads: [String], excluding instance: String?, logger: Logger
    ) async throws -> Set<String> {
        // A listening connection: named muster-listen…#INSTANCE, and past its start (a connection that has run
        // nothing yet, or is running its LISTEN, resynchronizes after it: it reads this change from the store).
        let rows = try await client.query(
            """
            SELECT (SELECT count(pg_notify(\(channel), payload)) FROM unnest(\(payloads)::text[]) AS p(payload)),
                ARRAY(SELECT DISTINCT node FROM (
                    SELECT substring(application_name FROM '#([^# ]+)$') AS node FROM pg_stat_activity
                    WHERE datname = current_database() AND starts_with(application_name, \(applicationNamePrefix))
                        AND NOT (state = 'idle' AND query = '')
                        AND NOT (state = 'active' AND query LIKE 'LISTEN%')
                ) AS listening WHERE node IS NOT NULL AND node IS DISTINCT FROM \(instance))
            """,
            logger: logger)
        var listening: Set<String> = []
        for try await (_, nodes) in rows.decode((Int64, [String]).self) { listening = Set(nodes) }
        return listening
    }

    /// Sends `events` to every listening node without applying them here: for a process that is not a node
    /// (`muster rotate-jwt-key`). Nothing waits for the nodes.
    /// - Throws: the database's error when it could not send them.
    package static func announce(_ events: [ClusterEvent], store: PostgresStore) async throws {
        let origin = UUID()
        let payloads = events.enumerated().map { offset, event in
            ClusterEventPayload(origin: origin, sequence: UInt64(offset + 1), event: event).encoded()
        }
        try await notify(store.client, payloads: payloads, excluding: nil, logger: store.logger)
    }
}
