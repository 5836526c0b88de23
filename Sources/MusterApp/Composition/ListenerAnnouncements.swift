import Synchronization

/// A bound listener.
package struct ListenerAddress: Sendable, Hashable {
    /// `http`, `mqtt`, `mqtts` or `coap`.
    package var name: String
    package var host: String
    package var port: Int
}

/// Collects listener addresses as they are bound, for the CLI to print and tests to connect to.
package final class ListenerAnnouncements: Sendable {
    private struct State {
        var addresses: [ListenerAddress] = []
        var waiters: [(String, CheckedContinuation<ListenerAddress, Never>)] = []
    }

    private let state = Mutex(State())

    package init() {}

    package func announce(_ address: ListenerAddress) {
        let ready = state.withLock { state in
            state.addresses.append(address)
            let matching = state.waiters.filter { $0.0 == address.name }.map(\.1)
            state.waiters.removeAll { $0.0 == address.name }
            return matching
        }
        for waiter in ready { waiter.resume(returning: address) }
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
}
