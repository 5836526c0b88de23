import Logging
import MusterCore
import ServiceLifecycle

/// Keeps the store open while the server runs and closes it last, after every listener has stopped.
struct StoreLifecycleService: Service {
    let close: @Sendable () throws -> Void
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try close()
            logger.info("database closed")
        } catch {
            logger.error("database did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}

/// Writes buffered audit entries in the background; flushes what is left on shutdown.
struct AuditService: Service {
    let recorder: AuditRecorder

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await recorder.run()
        }
        await recorder.flush()
    }
}

/// Runs import jobs in the background; on shutdown, running jobs stop after their current batch.
struct ImportJobService: Service {
    let queue: ImportJobQueue

    func run() async throws {
        await withGracefulShutdownHandler {
            await queue.run()
        } onGracefulShutdown: {
            queue.shutdown()
        }
    }
}

/// Receives the other nodes' cluster events (PostgreSQL's `LISTEN` loop, reconnecting after any loss) until the
/// node shuts down.
struct ClusterEventListenerService: Service {
    let listen: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await listen()
        }
    }
}
