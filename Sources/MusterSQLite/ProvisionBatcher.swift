import GRDB
import MusterCore
import Synchronization

/// Group commit for ``SQLiteStore/createProvisionedDevice(_:)``: concurrent provisionings share one write
/// transaction, each inside its own SAVEPOINT, so one commit (one WAL sync) serves many requests while each
/// provisioning stays all-or-nothing and a constraint failure in one leaves the others untouched.
///
/// There is no background task. The first caller to find no batch running becomes the leader: it takes the
/// calls waiting so far (up to ``maximumBatchSize``, its own first), writes them, answers them, and hands
/// leadership to the oldest call still waiting, if any. Calls arriving meanwhile wait, so under load each
/// transaction carries the requests that queued during the previous one; alone, a call is a batch of one with
/// no added latency.
final class ProvisionBatcher: Sendable {
    private typealias Outcome = Result<ProvisionedDeviceCreation, any Error>

    /// What a waiting call is woken with.
    private enum Signal: Sendable {
        /// The call's result.
        case done(Outcome)
        /// The call leads the next batch.
        case lead
    }

    private struct Waiter {
        var plan: ProvisionedDevicePlan
        var continuation: CheckedContinuation<Signal, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var leaderActive = false
    }

    private let dbPool: DatabasePool
    /// The most provisionings in one transaction.
    let maximumBatchSize: Int
    private let state = Mutex(State())
    private let demand: WriterDemand
    private let metrics: MusterMetrics

    init(dbPool: DatabasePool, maximumBatchSize: Int, demand: WriterDemand, metrics: MusterMetrics) {
        self.dbPool = dbPool
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.demand = demand
        self.metrics = metrics
    }

    /// Provisions `plan` in the next batch.
    /// - Returns: `.created`, or `.nameTaken` / `.credentialsTaken` with nothing of `plan` written.
    /// - Throws: The error of `plan`'s savepoint, or of the shared commit.
    func submit(_ plan: ProvisionedDevicePlan) async throws -> ProvisionedDeviceCreation {
        demand.note()
        let signal = await withCheckedContinuation { (continuation: CheckedContinuation<Signal, Never>) in
            let leads = state.withLock { state in
                if state.leaderActive {
                    state.waiting.append(Waiter(plan: plan, continuation: continuation))
                    return false
                }
                state.leaderActive = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch signal {
        case .done(let outcome):
            return try outcome.get()
        case .lead:
            return try await lead(plan).get()
        }
    }

    /// Writes `plan` with the calls waiting behind it, answers them, and passes leadership on.
    private func lead(_ plan: ProvisionedDevicePlan) async -> Outcome {
        let followers = state.withLock { state in
            let count = min(state.waiting.count, maximumBatchSize - 1)
            defer { state.waiting.removeFirst(count) }
            return Array(state.waiting.prefix(count))
        }
        let plans = [plan] + followers.map(\.plan)
        let start = ContinuousClock.now
        let outcomes = await write(plans)
        metrics.storeCommit(kind: "provision", rows: plans.count, ContinuousClock.now - start)
        for (follower, outcome) in zip(followers, outcomes.dropFirst()) {
            follower.continuation.resume(returning: .done(outcome))
        }
        let next = state.withLock { state -> Waiter? in
            guard !state.waiting.isEmpty else {
                state.leaderActive = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return outcomes[0]
    }

    /// Writes `plans` in one transaction, one savepoint each.
    ///
    /// The write is queued with GRDB's callback API rather than `await dbPool.write`, so that cancelling the
    /// leader's task cannot fail the followers' provisionings along with it.
    /// - Returns: The outcome of each plan, in order; every one fails with the error when the commit fails.
    private func write(_ plans: [ProvisionedDevicePlan]) async -> [Outcome] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[Outcome], Never>) in
            dbPool.asyncWriteWithoutTransaction { db in
                var outcomes: [Outcome] = []
                do {
                    try db.inTransaction(.immediate) {
                        outcomes = plans.map { Self.provision($0, db) }
                        return .commit
                    }
                } catch {
                    outcomes = Array(repeating: .failure(error), count: plans.count)
                }
                continuation.resume(returning: outcomes)
            }
        }
    }

    /// Runs `plan` in a savepoint of the open transaction: rolled back alone when it fails.
    private static func provision(_ plan: ProvisionedDevicePlan, _ db: Database) -> Outcome {
        do {
            try db.inSavepoint {
                try SQLiteStore.insert(plan, db)
                return .commit
            }
            return .success(.created)
        } catch is SQLiteStore.BudgetExhausted {
            return .success(.budgetExhausted)
        } catch {
            if let constraint = SQLiteConstraint(error), let creation = SQLiteStore.creation(constraint) {
                return .success(creation)
            }
            return .failure(error)
        }
    }
}
