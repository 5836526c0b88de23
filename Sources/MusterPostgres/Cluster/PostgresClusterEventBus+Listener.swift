import Foundation
import Logging
import MusterCore
import PostgresNIO
import Synchronization

extension PostgresClusterEventBus {
    /// What the listener has heard of this node's own events, and the publishers waiting for them.
    struct EchoState {
        /// Listening and synchronized: an event sent now will come back.
        var listening = false
        /// The highest sequence number of this node's events that came back.
        var highestEcho: UInt64 = 0
        var waiters: [(id: UUID, sequence: UInt64, continuation: CheckedContinuation<Void, Never>)] = []

        /// Ends the waits for `sequence` and earlier (or every wait, when the listener stopped).
        mutating func release(upTo sequence: UInt64?) -> [CheckedContinuation<Void, Never>] {
            let released = waiters.filter { sequence == nil || $0.sequence <= sequence! }
            waiters.removeAll { sequence == nil || $0.sequence <= sequence! }
            return released.map(\.continuation)
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
            var synchronized = false
            do {
                try await listenOnce(connectionId: attempt, synchronized: &synchronized)
            } catch {
                if !Task.isCancelled {
                    logger.warning(
                        "cluster events: listening connection lost",
                        metadata: ["error": "\(String(reflecting: error))", "retryIn": "\(delay)"])
                }
            }
            stoppedListening()
            if synchronized { delay = .milliseconds(100) }
            do { try await Task.sleep(for: delay) } catch { break }
            delay = min(delay * 2, .seconds(2))
        }
        stoppedListening()
    }

    /// One connection's life: returns or throws when it is lost.
    private func listenOnce(connectionId: Int, synchronized: inout Bool) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: listenConfiguration, id: connectionId, logger: logger)
        do {
            try await connection.listen(on: Self.channel) { notifications in
                // LISTEN is in place: whatever changes from now on is heard, so what was missed before can be
                // read now.
                try await dispatcher.resynchronize()
                echoes.withLock { $0.listening = true }
                synchronized = true
                logger.debug("cluster events: listening", metadata: ["connection": "\(connectionId)"])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await notification in notifications { try await self.receive(notification.payload) }
                        throw ListenerError.closed
                    }
                    group.addTask { try await self.heartbeat(connection) }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            stoppedListening()
            try? await connection.close()
            throw error
        }
        stoppedListening()
        try? await connection.close()
    }

    /// Applies one notification: another node's event goes to the dispatcher, this node's own ends its wait.
    /// - Throws: the dispatcher's error (the signing key could not be read): the loop then reconnects and
    ///   resynchronizes.
    private func receive(_ text: String) async throws {
        let payload: ClusterEventPayload
        do { payload = try ClusterEventPayload.decode(text) } catch {
            logger.warning("cluster events: ignored a notification", metadata: ["reason": "\(error)"])
            return
        }
        if payload.origin == nodeId {
            let released = echoes.withLock { state in
                state.highestEcho = max(state.highestEcho, payload.sequence)
                return state.release(upTo: payload.sequence)
            }
            for continuation in released { continuation.resume() }
            return
        }
        try await dispatcher.apply(payload.event)
    }

    /// Checks the connection every ``heartbeatInterval``; throws when it does not answer within it.
    private func heartbeat(_ connection: PostgresConnection) async throws {
        while true {
            try await Task.sleep(for: heartbeatInterval)
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await connection.query("SELECT 1", logger: self.logger)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: self.heartbeatInterval)
                    return false
                }
                let answered = try await group.next() ?? false
                // A query stuck on a dead connection ends only when the connection is closed.
                if !answered { try? await connection.close() }
                group.cancelAll()
                return answered
            }
            if !answered { throw ListenerError.heartbeatUnanswered }
        }
    }

    /// Not listening any more: publishers stop waiting, the profile cache is no longer trusted.
    private func stoppedListening() {
        let released = echoes.withLock { state in
            state.listening = false
            return state.release(upTo: nil)
        }
        for continuation in released { continuation.resume() }
        dispatcher.desynchronize()
    }

    /// Whether the loop listens and has resynchronized: events published from now on reach this node.
    package var isSynchronized: Bool { echoes.withLock { $0.listening } }

    /// Waits until this node's event `sequence` came back, at most ``echoTimeout``; at once when not listening.
    func waitForEcho(of sequence: UInt64) async {
        guard echoes.withLock({ $0.listening && $0.highestEcho < sequence }) else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.echo(of: sequence) }
            group.addTask { try? await Task.sleep(for: self.echoTimeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when `sequence` came back, the listener stopped, or the task is cancelled.
    private func echo(of sequence: UInt64) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.echoes.withLock { state in
                    if !state.listening || state.highestEcho >= sequence || Task.isCancelled { return true }
                    state.waiters.append((id, sequence, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = self.echoes.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume()
        }
    }
}
