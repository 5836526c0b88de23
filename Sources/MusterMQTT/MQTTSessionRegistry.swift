import Synchronization

/// The live sessions, so that shutdown can tell each to quiesce (MQTT 5 DISCONNECT 0x8B) and wait until all are gone.
final class MQTTSessionRegistry: Sendable {
    private struct State {
        var shuttingDown = false
        var nextId = 0
        var sessions: [Int: @Sendable () -> Void] = [:]
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Registers a session by how to make it quiesce; `nil` once shutdown has begun.
    func add(_ quiesce: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { state in
            guard !state.shuttingDown else { return nil }
            state.nextId += 1
            state.sessions[state.nextId] = quiesce
            return state.nextId
        }
    }

    func remove(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.sessions.removeValue(forKey: id)
            guard state.sessions.isEmpty else { return [] }
            defer { state.emptyWaiters = [] }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Tells every session to quiesce, and refuses new ones.
    func quiesceAll() {
        let current = state.withLock { state in
            state.shuttingDown = true
            return Array(state.sessions.values)
        }
        for quiesce in current { quiesce() }
    }

    /// Returns once no session is left.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                guard !state.sessions.isEmpty else { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
