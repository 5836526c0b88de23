import Synchronization

/// Waits for `operation`, run in a task of its own, at most `limit`, and not at all once the caller is cancelled.
///
/// PostgresNIO (1.33) can leave a statement unanswered for ever: when the connection the pool hands out closes at
/// the moment the statement is written to it (PostgreSQL restarting: every connection is ended at once), the write
/// fails without failing the statement's promise, and a cancelled caller does not end that wait either. A request
/// waiting on it would hang, and hold the node's shutdown past its bound. So the store waits for each operation at
/// most `limit`; after it (or on cancellation) the caller gets `onTimeout()` (or `CancellationError`) and the
/// operation goes on unobserved: whatever it commits is found by the next request, as a re-send would be.
/// - Parameters:
///   - limit: The longest wait; `nil` waits for the operation however long it takes (still in its own task, so
///     that a cancelled caller is answered at once).
///   - onTimeout: The error the caller gets after `limit`.
///   - operation: The work; it must not depend on the caller's task (it may outlive it).
///   - abandon: Called once with a function that answers the caller at once with the error it is given (the
///     operation goes on unobserved, as after the limit); it returns what undoes that registration, called when
///     the wait ends. The store abandons the statements in flight when its primary goes away (``PostgresPrimary``).
func withDeadline<T: Sendable>(
    _ limit: Duration?, onTimeout: @escaping @Sendable () -> any Error,
    abandon: ((@escaping @Sendable (any Error) -> Void) -> (@Sendable () -> Void))? = nil,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let slot = Mutex(DeadlineSlot<T>())
    // The first answer wins; it resumes the caller if the caller already waits.
    let answer: @Sendable (Result<T, any Error>) -> Bool = { result in
        let (first, continuation) = slot.withLock { slot -> (Bool, CheckedContinuation<T, any Error>?) in
            guard slot.result == nil else { return (false, nil) }
            slot.result = result
            defer { slot.continuation = nil }
            return (true, slot.continuation)
        }
        continuation?.resume(with: result)
        return first
    }
    let timer = limit.map { limit in
        Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            _ = answer(.failure(onTimeout()))
        }
    }
    let unregister = abandon? { error in if answer(.failure(error)) { timer?.cancel() } }
    defer { unregister?() }
    Task {
        let result: Result<T, any Error>
        do { result = .success(try await operation()) } catch { result = .failure(error) }
        if answer(result) { timer?.cancel() }
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let ready = slot.withLock { slot -> Result<T, any Error>? in
                if let result = slot.result { return result }
                slot.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    } onCancel: {
        if answer(.failure(CancellationError())) { timer?.cancel() }
    }
}

/// The first answer of a ``withDeadline(_:onTimeout:_:)`` wait, and the caller once it waits.
private struct DeadlineSlot<T: Sendable> {
    var result: Result<T, any Error>?
    var continuation: CheckedContinuation<T, any Error>?
}
