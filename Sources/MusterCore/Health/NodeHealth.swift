import Synchronization

/// This node's health as a load balancer sees it (`GET /api/health`): up when its database answers within a
/// short time, down otherwise, with a plain reason that never holds a password or a database URL.
package struct NodeHealth: Sendable {
    /// One check's answer.
    package struct Report: Sendable, Hashable {
        /// The node's name (`node.name`).
        package var node: String
        /// Whether the database answered in time.
        package var databaseUp: Bool
        /// Why the database is down: the store's diagnostic (a driver code and the server's message, never a bound
        /// value or a URL), or that it did not answer in time; `nil` when up.
        package var reason: String?

        package init(node: String, databaseUp: Bool, reason: String? = nil) {
            self.node = node
            self.databaseUp = databaseUp
            self.reason = reason
        }
    }

    /// The node's name.
    package let node: String
    private let store: any HealthCheckStore
    private let timeout: Duration

    /// - Parameters:
    ///   - node: The node's name (`node.name`).
    ///   - store: The store whose database is checked.
    ///   - timeout: How long the database may take to answer before the node is reported down.
    package init(node: String, store: any HealthCheckStore, timeout: Duration = .seconds(2)) {
        self.node = node
        self.store = store
        self.timeout = timeout
    }

    /// Checks the database, answering within ``timeout`` whatever the database does.
    ///
    /// The check runs in a task of its own, not a child task: a statement left unanswered on a connection the
    /// database dropped may ignore cancellation, and a child task would hold the answer until it returned. Such a
    /// check ends by itself when the pool gives up on it; the answer does not wait for it. A cancelled caller (the
    /// server shutting down) is answered at once, "down".
    package func check() async -> Report {
        let store = self.store
        let timeout = self.timeout
        let answer = FirstAnswer()
        // Cancelled (the server shutting down), the answer does not wait for the check or the timer.
        let reason: String? = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                answer.wait(continuation)
                let check = Task {
                    do {
                        try await store.checkHealth()
                        answer.give(nil)
                    } catch {
                        answer.give(Self.reason(error))
                    }
                }
                Task {
                    try? await Task.sleep(for: timeout)
                    answer.give("no answer from the database within \(Self.describe(timeout))")
                    check.cancel()
                }
            }
        } onCancel: {
            answer.give("the check was cancelled")
        }
        return Report(node: node, databaseUp: reason == nil, reason: reason)
    }

    /// A plain reason for a failed check: the store's diagnostic, or the kind of error (its description might
    /// hold a connection string).
    static func reason(_ error: any Error) -> String {
        if let failure = error as? any StoreFailureReporting { return failure.storeDiagnostic }
        return "database check failed (\(type(of: error)))"
    }

    private static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}

/// Resumes a continuation with the first answer given, whether it is given before or after the continuation
/// waits; later answers are dropped.
private final class FirstAnswer: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<String?, Never>)
        case answered(String?)
        case done
    }

    private let state = Mutex(State.idle)

    func wait(_ continuation: CheckedContinuation<String?, Never>) {
        let early: String?? = state.withLock { state in
            switch state {
            case .answered(let reason):
                state = .done
                return .some(reason)
            case .idle:
                state = .waiting(continuation)
                return nil
            case .waiting, .done:
                return nil
            }
        }
        if let early { continuation.resume(returning: early) }
    }

    func give(_ reason: String?) {
        let waiting: CheckedContinuation<String?, Never>? = state.withLock { state in
            switch state {
            case .idle:
                state = .answered(reason)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .answered, .done:
                return nil
            }
        }
        waiting?.resume(returning: reason)
    }
}
