import Synchronization

/// A bound listener.
package struct ListenerAddress: Sendable, Hashable {
    /// `http`, `mqtt`, `mqtts` or `coap`.
    package var name: String
    package var host: String
    package var port: Int
    /// Something a person starting the server should know about this listener (the TLS certificate in use).
    package var note: String?

    package init(name: String, host: String, port: Int, note: String? = nil) {
        self.name = name
        self.host = host
        self.port = port
        self.note = note
    }
}

/// Collects listener addresses as they are bound, for the CLI to print and tests to connect to.
package final class ListenerAnnouncements: Sendable {
    private struct State {
        var addresses: [ListenerAddress] = []
        var waiters: [(String, CheckedContinuation<ListenerAddress, Never>)] = []
        var observers: [AsyncStream<ListenerAddress>.Continuation] = []
    }

    private let state = Mutex(State())

    package init() {}

    package func announce(_ address: ListenerAddress) {
        let (ready, observers) = state.withLock { state in
            state.addresses.append(address)
            let matching = state.waiters.filter { $0.0 == address.name }.map(\.1)
            state.waiters.removeAll { $0.0 == address.name }
            return (matching, state.observers)
        }
        for waiter in ready { waiter.resume(returning: address) }
        for observer in observers { observer.yield(address) }
    }

    /// The address of listener `name`, waiting until it is bound.
    package func address(of name: String) async -> ListenerAddress {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> ListenerAddress? in
                if let address = state.addresses.first(where: { $0.name == name }) { return address }
                state.waiters.append((name, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    /// Every listener as it is bound (those bound already first).
    package func announcements() -> AsyncStream<ListenerAddress> {
        let (stream, continuation) = AsyncStream.makeStream(of: ListenerAddress.self)
        let existing = state.withLock { state in
            state.observers.append(continuation)
            return state.addresses
        }
        for address in existing { continuation.yield(address) }
        return stream
    }
}
