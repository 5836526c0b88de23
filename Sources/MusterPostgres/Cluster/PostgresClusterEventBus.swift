import Foundation
import Logging
import MusterCore
import PostgresNIO
import Synchronization

/// The ``ClusterEventBus`` of nodes sharing one PostgreSQL database: `NOTIFY` through the pool, `LISTEN` on one
/// connection of its own.
///
/// ``publish(_:)`` applies the events on this node at once, sends them with `SELECT pg_notify('muster_events', …)`
/// (autocommit: committed when it returns), then waits, at most ``echoTimeout``, until this node's own listener has
/// received them back, since every listening node receives a notification from the same commit. ``run()`` is the
/// listening loop (a service of the node): one dedicated connection (`application_name` `muster-listen`, or
/// `muster-listen NAME`), `LISTEN muster_events`, then ``ClusterEventDispatcher/resynchronize()`` before it counts
/// as synchronized; every notification from another node goes to the dispatcher, this node's own only ends the wait
/// of its publisher. After any loss it reconnects (100 ms, doubling to 2 s), the profile cache untrusted meanwhile.
package final class PostgresClusterEventBus: ClusterEventBus, Sendable {
    /// The notification channel.
    package static let channel = "muster_events"

    /// The `application_name` of the listening connection of a node called `nodeName`.
    package static func applicationName(nodeName: String?) -> String {
        guard let nodeName, !nodeName.isEmpty else { return "muster-listen" }
        return "muster-listen \(nodeName)"
    }

    private let client: PostgresClient
    let listenConfiguration: PostgresConnection.Configuration
    let dispatcher: ClusterEventDispatcher
    /// This node, as the `origin` of what it sends.
    let nodeId = UUID()
    private let sequence = Atomic<UInt64>(0)
    let echoes = Mutex(EchoState())
    /// The longest ``publish(_:)`` waits for its events to come back.
    package let echoTimeout: Duration
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
    package init(
        store: PostgresStore, options: PostgresStoreOptions, nodeName: String? = nil,
        dispatcher: ClusterEventDispatcher, echoTimeout: Duration = .seconds(1),
        heartbeatInterval: Duration = .seconds(5), logger: Logger
    ) throws {
        client = store.client
        var configuration = try store.url.connectionConfiguration(options)
        configuration.options.additionalStartupParameters.append(
            ("application_name", Self.applicationName(nodeName: nodeName)))
        listenConfiguration = configuration
        self.dispatcher = dispatcher
        self.echoTimeout = echoTimeout
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
        // Nothing is heard until the loop listens: the profile cache waits for the first resynchronization.
        dispatcher.desynchronize()
    }

    /// Applies `events` here, sends them to every node, and waits (at most ``echoTimeout``) for them to come back
    /// to this node's listener. A failure to send is logged: the change is committed, other nodes see profile
    /// changes within the cache's time-to-live, but miss pushes.
    package func publish(_ events: [ClusterEvent]) async {
        guard !events.isEmpty else { return }
        for event in events { await dispatcher.applyLocally(event) }
        let last = sequence.add(UInt64(events.count), ordering: .relaxed).newValue
        let first = last - UInt64(events.count) + 1
        let payloads = events.enumerated().map { offset, event in
            ClusterEventPayload(origin: nodeId, sequence: first + UInt64(offset), event: event).encoded()
        }
        do {
            try await Self.notify(client, payloads: payloads, logger: logger)
        } catch {
            logger.error(
                "could not send a change to the other nodes",
                metadata: ["events": "\(events.count)", "error": "\(String(reflecting: error))"])
            return
        }
        await waitForEcho(of: last)
    }

    /// Sends `payloads` on ``channel`` in one autocommit statement, in order.
    static func notify(_ client: PostgresClient, payloads: [String], logger: Logger) async throws {
        let rows = try await client.query(
            "SELECT count(pg_notify(\(channel), payload)) FROM unnest(\(payloads)::text[]) AS p(payload)",
            logger: logger)
        for try await _ in rows {}
    }

    /// Sends `events` to every listening node without applying them here: for a process that is not a node
    /// (`muster rotate-jwt-key`).
    /// - Throws: the database's error when it could not send them.
    package static func announce(_ events: [ClusterEvent], store: PostgresStore) async throws {
        let origin = UUID()
        let payloads = events.enumerated().map { offset, event in
            ClusterEventPayload(origin: origin, sequence: UInt64(offset + 1), event: event).encoded()
        }
        try await notify(store.client, payloads: payloads, logger: store.logger)
    }
}
