import Foundation
import Logging
import MusterCore
import PostgresNIO
import Synchronization

extension PostgresClusterEventBus {
    /// One ``publish(_:)`` waiting for the other nodes' acknowledgements of its last payload.
    struct PendingPublish {
        /// The instance ids that acknowledged so far (possibly before `awaited` is known).
        var acknowledged: Set<String> = []
        /// The instance ids of the nodes listening at the commit, once the statement answered.
        var awaited: Set<String>?
        /// The waiting publisher.
        var continuation: CheckedContinuation<Void, Never>?

        var isComplete: Bool { awaited.map { $0.isSubset(of: acknowledged) } ?? false }
    }

    /// Whether the listener hears acknowledgements, and the publishers waiting for them.
    struct AcknowledgementState {
        /// Listening and synchronized: acknowledgements sent from now on are heard.
        var listening = false
        /// By the sequence number of the publish's last payload.
        var pending: [UInt64: PendingPublish] = [:]

        /// Ends every wait (the listener stopped: nothing more will be heard).
        mutating func releaseAll() -> [CheckedContinuation<Void, Never>] {
            var released: [CheckedContinuation<Void, Never>] = []
            for key in pending.keys {
                if let continuation = pending[key]?.continuation { released.append(continuation) }
                pending[key]?.continuation = nil
            }
            return released
        }
    }

    /// Why the listening connection was given up.
    enum ListenerError: Error {
        /// The notification sequence ended: the connection closed.
        case closed
        /// `SELECT 1` got no answer within the heartbeat interval.
        case heartbeatUnanswered
    }

    /// Listens until the task is cancelled (the node shuts down): connects, `LISTEN`, resynchronizes, applies every
    /// other node's events; after any loss, marks itself unsynchronized (profile cache untrusted) and tries again,
    /// 100 ms after the first failure, doubling up to 2 s.
    package func run() async {
        var delay = Duration.milliseconds(100)
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            let synchronized = SynchronizedFlag()
            do {
                try await listenOnce(connectionId: attempt, synchronized: synchronized)
            } catch {
                if !Task.isCancelled {
                    logger.warning(
                        "cluster events: listening connection lost",
                        metadata: ["error": "\(String(reflecting: error))", "retryIn": "\(delay)"])
                }
            }
            stoppedListening()
            if synchronized.isSet { delay = .milliseconds(100) }
            do { try await Task.sleep(for: delay) } catch { break }
            delay = min(delay * 2, .seconds(2))
        }
        stoppedListening()
    }

    /// One connection's life: returns or throws when it is lost.
    ///
    /// The session (LISTEN and the notifications) runs in a task of its own that this waits for through
    /// ``withDeadline(_:onTimeout:abandon:_:)``: when the heartbeat finds the connection dead, or the node shuts down,
    /// this returns at once and the session is left to end with its connection. PostgresNIO (1.33) can leave a
    /// statement on a connection the server dropped (a killed primary) unanswered for ever, and the `UNLISTEN` and
    /// close that end a session are statements too: waited for, they held the loop, and then the node's shutdown past
    /// its bound.
    private func listenOnce(connectionId: Int, synchronized: SynchronizedFlag) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try listenConfiguration, id: connectionId, logger: logger)
        defer {
            synchronized.abandon()
            stoppedListening()
            // Not awaited: a close of a connection PostgresNIO lost track of may not return either.
            Task { try? await connection.close() }
        }
        try await withDeadline(
            nil, onTimeout: { ListenerError.heartbeatUnanswered },
            abandon: { lost in
                let heartbeat = Task {
                    do { try await self.heartbeat(connection) } catch { lost(error) }
                }
                return { heartbeat.cancel() }
            }
        ) {
            try await self.session(on: connection, connectionId: connectionId, synchronized: synchronized)
        }
    }

    /// `LISTEN` on both channels, resynchronize, then apply what arrives until the connection ends.
    private func session(on connection: PostgresConnection, connectionId: Int, synchronized: SynchronizedFlag) async throws {
        try await connection.listen(on: Self.acknowledgementChannel) { acknowledgements in
            try await connection.listen(on: Self.channel) { notifications in
                // LISTEN is in place: whatever changes from now on is heard, so what was missed before can be
                // read now.
                try await dispatcher.resynchronize()
                // A session the loop gave up on (it went on unobserved) must not claim to listen.
                guard synchronized.set() else { throw ListenerError.closed }
                self.acknowledgements.withLock { $0.listening = true }
                logger.info(
                    "cluster events: listening",
                    metadata: ["connection": "\(connectionId)", "application_name": "\(applicationName)"])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await notification in notifications {
                            try await self.receive(notification.payload, on: connection)
                        }
                        throw ListenerError.closed
                    }
                    group.addTask {
                        for try await notification in acknowledgements {
                            self.receiveAcknowledgement(notification.payload)
                        }
                        throw ListenerError.closed
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Applies one notification: another node's event goes to the dispatcher, then, when its publisher asked, the
    /// acknowledgement goes back on `connection`; this node's own events are skipped (applied when published).
    /// - Throws: the dispatcher's error (the signing key could not be read), or the acknowledgement's: the loop then
    ///   reconnects and resynchronizes.
    private func receive(_ text: String, on connection: PostgresConnection) async throws {
        let payload: ClusterEventPayload
        do { payload = try ClusterEventPayload.decode(text) } catch {
            logger.warning("cluster events: ignored a notification", metadata: ["reason": "\(error)"])
            return
        }
        if payload.origin == nodeId { return }
        try await dispatcher.apply(payload.event)
        guard payload.acknowledge else { return }
        let acknowledgement = ClusterAcknowledgement(origin: payload.origin, seq: payload.sequence, by: instance)
        let rows = try await connection.query(
            "SELECT pg_notify(\(Self.acknowledgementChannel), \(acknowledgement.encoded()))", logger: logger)
        for try await _ in rows {}
    }

    /// Counts an acknowledgement of one of this node's publishes; ends its wait when it was the last one missing.
    private func receiveAcknowledgement(_ text: String) {
        guard let acknowledgement = ClusterAcknowledgement.decode(text), acknowledgement.origin == nodeId else { return }
        let completed = acknowledgements.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.pending[acknowledgement.seq] != nil else { return nil }
            state.pending[acknowledgement.seq]?.acknowledged.insert(acknowledgement.by)
            guard state.pending[acknowledgement.seq]?.isComplete == true else { return nil }
            defer { state.pending[acknowledgement.seq]?.continuation = nil }
            return state.pending[acknowledgement.seq]?.continuation
        }
        completed?.resume()
    }

    /// Checks the connection every ``heartbeatInterval``; throws when it does not answer within it (the query is then
    /// left unobserved, ``withDeadline(_:onTimeout:abandon:_:)``) or fails.
    private func heartbeat(_ connection: PostgresConnection) async throws {
        let logger = logger
        while true {
            try await Task.sleep(for: heartbeatInterval)
            do {
                try await withDeadline(heartbeatInterval, onTimeout: { ListenerError.heartbeatUnanswered }) {
                    _ = try await connection.query("SELECT 1", logger: logger)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw ListenerError.heartbeatUnanswered
            }
        }
    }

    /// Not listening any more: publishers stop waiting, the profile cache is no longer trusted.
    private func stoppedListening() {
        let released = acknowledgements.withLock { state in
            state.listening = false
            return state.releaseAll()
        }
        for continuation in released { continuation.resume() }
        dispatcher.desynchronize()
    }

    /// Whether the loop listens and has resynchronized: events published from now on reach this node.
    package var isSynchronized: Bool { acknowledgements.withLock { $0.listening } }

    /// Waits until every node of `awaited` acknowledged publish `sequence`, at most ``acknowledgementTimeout``; at once
    /// when the listener stopped. Ends the publish's entry.
    /// - Returns: the nodes that did not acknowledge.
    func waitForAcknowledgements(of sequence: UInt64, from awaited: Set<String>) async -> Set<String> {
        if !awaited.isEmpty {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.acknowledged(sequence, by: awaited) }
                group.addTask { try? await Task.sleep(for: self.acknowledgementTimeout) }
                await group.next()
                group.cancelAll()
            }
        }
        let entry = acknowledgements.withLock { $0.pending.removeValue(forKey: sequence) }
        return awaited.subtracting(entry?.acknowledged ?? [])
    }

    /// Returns when every node of `awaited` acknowledged `sequence`, the listener stopped, or the task is cancelled.
    private func acknowledged(_ sequence: UInt64, by awaited: Set<String>) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.acknowledgements.withLock { state in
                    guard state.listening, !Task.isCancelled, state.pending[sequence] != nil else { return true }
                    state.pending[sequence]?.awaited = awaited
                    if state.pending[sequence]?.isComplete == true { return true }
                    state.pending[sequence]?.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = self.acknowledgements.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.pending[sequence]?.continuation = nil }
                return state.pending[sequence]?.continuation
            }
            continuation?.resume()
        }
    }
}

/// Whether one listening connection got as far as listening and resynchronizing (set by its session task, read by
/// the loop).
final class SynchronizedFlag: Sendable {
    private let state = Mutex((set: false, abandoned: false))

    var isSet: Bool { state.withLock { $0.set } }

    /// Marks the session synchronized; `false` (nothing marked) once the loop abandoned it.
    func set() -> Bool {
        state.withLock { state in
            guard !state.abandoned else { return false }
            state.set = true
            return true
        }
    }

    /// The loop gave the session up.
    func abandon() { state.withLock { $0.abandoned = true } }
}
