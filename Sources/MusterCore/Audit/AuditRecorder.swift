import Logging
import Synchronization

/// Buffers audit entries in memory and writes them to the store in batches, off the request path.
/// The buffer is bounded: past `capacity` entries are dropped and counted, never queued without limit. Every entry
/// it records without a node gets this node's name.
package final class AuditRecorder: AuditSink, Sendable {
    private struct Buffer {
        var entries: [AuditEntry] = []
        var dropped = 0
    }

    private let store: any AuditStore
    private let capacity: Int
    private let buffer = Mutex(Buffer())
    private let logger: Logger
    private let node: String?

    /// - Parameter node: This node's name (`node.name`), written with each entry that names no node.
    package init(store: any AuditStore, capacity: Int = 100_000, node: String? = nil, logger: Logger) {
        self.store = store
        self.node = node
        self.capacity = capacity
        self.logger = logger
    }

    package func record(_ entry: AuditEntry) {
        var entry = entry
        if entry.node == nil { entry.node = node }
        buffer.withLock { buffer in
            if buffer.entries.count < capacity {
                buffer.entries.append(entry)
            } else {
                buffer.dropped += 1
            }
        }
    }

    /// Writes everything buffered so far.
    package func flush() async {
        let (entries, dropped) = buffer.withLock { buffer in
            defer { buffer.entries.removeAll(keepingCapacity: true); buffer.dropped = 0 }
            return (buffer.entries, buffer.dropped)
        }
        if dropped > 0 { logger.warning("audit buffer full, entries dropped", metadata: ["dropped": "\(dropped)"]) }
        guard !entries.isEmpty else { return }
        do {
            try await store.appendAuditEntries(entries)
        } catch {
            logger.error("audit entries could not be written", metadata: ["count": "\(entries.count)", "error": "\(error)"])
        }
    }

    /// Flushes every `interval` until the task is cancelled. Call ``flush()`` once more afterwards, from a task that
    /// is not cancelled, so that the last entries are written.
    package func run(interval: Duration = .milliseconds(100)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return }
            // A flush takes its entries out of the buffer first: cancelled halfway, its write would fail and lose
            // them. In a task of its own it finishes even when the loop is cancelled meanwhile.
            await Task { await flush() }.value
        }
    }
}
