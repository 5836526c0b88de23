import MusterCore
import Synchronization

/// Shares SQLite's single writer between a bulk import and the writes someone waits for (a provisioning, a device's
/// telemetry or attributes, an admin's change). While such writes keep coming (one within ``window``), an import
/// writes small batches (``SQLiteStore/importBatchLimit``) and rests between them, so that it holds the writer at
/// most ``importShare`` of the time and each such write waits behind a few rows, never behind a whole batch; alone,
/// an import writes full batches back to back.
final class WriterDemand: Sendable {
    /// How long after the last such write the import keeps its batches small and paced.
    let window: Duration
    /// The most of the writer's time an import takes while such writes come.
    let importShare: Double
    private let lastDemand = Atomic<Int64>(Int64.min)
    /// How long the import's last batch held the writer, in nanoseconds.
    private let lastImportHold = Atomic<Int64>(0)
    private let origin = ContinuousClock.now

    init(window: Duration = .milliseconds(500), importShare: Double = 0.2) {
        self.window = window
        self.importShare = min(max(importShare, 0.01), 1)
    }

    /// Notes that a write someone waits for is asking for the writer now.
    func note() {
        lastDemand.store(elapsed(), ordering: .relaxed)
    }

    /// Whether such a write asked for the writer within the window.
    var isRecent: Bool {
        let last = lastDemand.load(ordering: .relaxed)
        return last != Int64.min && elapsed() - last < window.nanoseconds
    }

    /// How long an import's next batch rests before it writes: while such writes come, its previous batch's hold ×
    /// (1 − share) / share, at most 100 ms; otherwise nothing.
    var importRest: Duration {
        guard isRecent else { return .zero }
        let held = Double(lastImportHold.load(ordering: .relaxed))
        return .nanoseconds(Int64(min(held * (1 - importShare) / importShare, 100_000_000)))
    }

    /// Runs an import batch's write `body` after its ``importRest``, and notes how long it held the writer.
    func importBatch<T>(_ body: () async throws -> T) async throws -> T {
        let rest = importRest
        if rest > .zero { try? await Task.sleep(for: rest) }
        let start = elapsed()
        defer { lastImportHold.store(elapsed() - start, ordering: .relaxed) }
        return try await body()
    }

    private func elapsed() -> Int64 {
        origin.duration(to: .now).nanoseconds
    }
}
