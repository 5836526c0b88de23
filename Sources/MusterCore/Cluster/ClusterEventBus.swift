/// The port through which a node tells every node sharing its database (itself included) about a committed change,
/// so that each applies it through its ``ClusterEventDispatcher``.
///
/// ## The guarantee
/// Publish after the change is committed. ``publish(_:)`` applies the events on this node before it returns, at
/// once and in order, whatever happens to the network. The embedded server (one node, SQLite) has nothing more to
/// do (``InProcessClusterEventBus``). On PostgreSQL, `publish` also sends them to the other nodes and returns once
/// they are committed to the database's notification queue (so every node that is listening will receive them),
/// and after waiting (at most about a second) until this node's own listener has received them back: the other
/// listening nodes receive them from the same commit, so by the time the caller answers, they have almost surely
/// applied them too. A node that is not listening at that moment (its connection lost) misses them; it then
/// distrusts its profile cache until it listens again, and resynchronizes (``ClusterEventDispatcher/resynchronize()``)
/// before trusting it. What it cannot recover is a push: a revocation or a shared-attribute change missed while it
/// was disconnected is not replayed.
package protocol ClusterEventBus: Sendable {
    /// Applies `events` on this node, then sends them to every other node; never throws (a failure to send is
    /// logged by the implementation, the change itself is already committed).
    func publish(_ events: [ClusterEvent]) async
}

extension ClusterEventBus {
    /// Publishes one event, as `publish([event])`.
    package func publish(_ event: ClusterEvent) async {
        await publish([event])
    }
}

/// The bus of the embedded server: one node, so publishing is applying, at once, in the caller's task.
package struct InProcessClusterEventBus: ClusterEventBus {
    private let dispatcher: ClusterEventDispatcher

    package init(dispatcher: ClusterEventDispatcher) {
        self.dispatcher = dispatcher
    }

    package func publish(_ events: [ClusterEvent]) async {
        for event in events { await dispatcher.applyLocally(event) }
    }
}
