import Foundation
import Logging
import MusterCore
import PostgresNIO
import Synchronization

/// Group commit for ``PostgresStore/createProvisionedDevice(_:)``: concurrent provisionings are written together,
/// so that one commit (one WAL flush, one round trip) serves many requests, and the per-profile row of
/// `entity_counts`, which every device insert updates, is locked by one transaction at a time instead of being the
/// point where one-device transactions queue behind each other's commits.
///
/// As on SQLite (`ProvisionBatcher`), there is no background task: the first caller to find no batch running
/// becomes the leader, takes the calls waiting so far (up to ``maximumBatchSize``, its own first), writes them,
/// answers them, and hands leadership to the oldest call still waiting. Alone, a call is a batch of one.
///
/// A batch is written in one of two ways:
/// 1. **One statement** (autocommit): every plan's device, credentials and `provisionState` attribute in one
///    `INSERT … ON CONFLICT (tenant_id, name) DO NOTHING` with the dependent inserts in data-modifying CTEs. A plan
///    whose name is taken (by a stored device, a concurrent transaction's, or an earlier plan of the batch) writes
///    nothing and is `.nameTaken`; the others are `.created`. The statement is one transaction, answered after its
///    commit.
/// 2. When that statement fails for any reason (a credentials id already held, a foreign key, a lost connection),
///    nothing of it was written, and the batch is written again **one savepoint per plan** in one transaction, so
///    that each plan gets exactly the outcome it would get alone: `.credentialsTaken`, `.nameTaken`, `.created`,
///    or its own error, without failing the others.
///
/// Plans are inserted in name order, so that two nodes' batches take the name index's entries in the same order
/// and never deadlock on each other.
final class PostgresProvisionBatcher: Sendable {
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

    private let primary: PostgresPrimary
    private var client: PostgresClient { primary.client }
    private let logger: Logger
    /// The most provisionings written together.
    let maximumBatchSize: Int
    private let state = Mutex(State())

    private let metrics: MusterMetrics

    init(primary: PostgresPrimary, logger: Logger, maximumBatchSize: Int, metrics: MusterMetrics) {
        self.metrics = metrics
        self.primary = primary
        self.logger = logger
        self.maximumBatchSize = max(1, maximumBatchSize)
    }

    /// Provisions `plan` in the next batch.
    /// - Returns: `.created`, or `.nameTaken` / `.credentialsTaken` with nothing of `plan` written.
    /// - Throws: The error of `plan`'s own write, or of the batch's commit.
    func submit(_ plan: ProvisionedDevicePlan) async throws -> ProvisionedDeviceCreation {
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
        // An unstructured task: cancelling the leader's task must not cancel the followers' provisionings. Bounded:
        // a write that has not finished in `writeLimit` (a statement stuck on a connection the server dropped, seen
        // when PostgreSQL restarts under load) answers its batch "unavailable" and frees the next batch, instead of
        // holding every later provisioning behind it.
        let outcomes: [Outcome]
        let start = ContinuousClock.now
        defer {
            metrics.storeCommit(kind: "provision", rows: plans.count, ContinuousClock.now - start)
        }
        do {
            let limit = writeLimit
            outcomes = try await primary.bounded(
                limit, onTimeout: { PostgresStoreError.timedOut(seconds: limit.components.seconds) }
            ) { await self.write(plans) }
            // A plan's own failure may be the sign that the primary moved too.
            for outcome in outcomes { if case .failure(let error) = outcome { primary.observe(error) } }
        } catch {
            // Not written in time, a search for the primary under way (nothing sent), or the caller cancelled.
            outcomes = Array(repeating: .failure(error), count: plans.count)
        }
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

    /// How long a batch's write may take before its provisionings are answered "unavailable": longer than the pool
    /// waits for a connection while the database is unreachable (about 15 s), far longer than a write takes.
    private let writeLimit: Duration = .seconds(25)

    /// Writes `plans`: in one statement, or one savepoint each when that fails.
    /// - Returns: The outcome of each plan, in order.
    private func write(_ plans: [ProvisionedDevicePlan]) async -> [Outcome] {
        do {
            let created = try await insertAll(plans)
            return plans.indices.map { .success(created.contains($0) ? .created : .nameTaken) }
        } catch {
            logger.debug("provisioning batch written one savepoint per plan", metadata: ["reason": "\(error)"])
            return await insertEach(plans)
        }
    }

    /// The one statement: inserts every plan whose name is free, all or nothing.
    /// - Returns: The indices of the plans written.
    private func insertAll(_ plans: [ProvisionedDevicePlan]) async throws -> Set<Int> {
        let query = SQLBuilder("WITH input (ord, id, tenant_id, name, search_text, type, profile_id, label, info, "
            + "created_time, version, cred_id, cred_created, cred_type, cred_key, cred_value, cred_version, "
            + "provisioned_at) AS (VALUES ")
        for (index, plan) in plans.enumerated() {
            let device = plan.device
            let credentials = plan.credentials
            if index > 0 { query.append(", ") }
            query.append(
                "(\(query.bind(Int64(index))), \(query.bind(device.id)), \(query.bind(device.tenantId)), "
                    + "\(query.bind(device.name)), \(query.bind(SearchText.fold(device.name))), "
                    + "\(query.bind(device.type)), \(query.bind(device.deviceProfileId)), "
                    + "\(query.bind(device.label))::text, \(query.bind(device.additionalInfo?.serialized))::text, "
                    + "\(query.bind(device.createdTime)), \(query.bind(device.version)), "
                    + "\(query.bind(credentials.id)), \(query.bind(credentials.createdTime)), "
                    + "\(query.bind(credentials.type.rawValue)), \(query.bind(credentials.credentialsId)), "
                    + "\(query.bind(credentials.credentialsValue))::text, \(query.bind(credentials.version)), "
                    + "\(query.bind(plan.provisionedAt)))")
        }
        query.append(
            """
            ),
            dev AS (
                INSERT INTO devices (\(EntityRows.deviceColumns()), search_text)
                SELECT id, tenant_id, name, type, profile_id, label, info, created_time, version, search_text
                FROM input ORDER BY name, ord
                ON CONFLICT (tenant_id, name) DO NOTHING
                RETURNING id
            ),
            cred AS (
                INSERT INTO device_credentials (tenant_id, \(EntityRows.credentialsColumns()))
                SELECT i.tenant_id, i.cred_id, i.id, i.cred_created, i.cred_type, i.cred_key, i.cred_value,
                    i.cred_version
                FROM input AS i JOIN dev ON dev.id = i.id
            ),
            attr AS (
                INSERT INTO attributes (entity_id, scope, key, value_type, str_v, last_update_ts)
                SELECT i.id, \(query.bind(TypedValueColumns.code(.server))),
                    \(query.bind(WellKnownAttribute.provisionState)), 'STRING',
                    \(query.bind(WellKnownAttribute.provisioned)), i.provisioned_at
                FROM input AS i JOIN dev ON dev.id = i.id
            )
            SELECT i.ord FROM input AS i JOIN dev ON dev.id = i.id
            """)
        // In a transaction, not autocommit: the RETURNING rows arrive before an autocommit statement's commit is
        // durable and acknowledged by the synchronous standby; only the answer to COMMIT says that it is. A
        // connection ended by a failover between the two (the server's "canceling the wait for synchronous
        // replication") must fail the batch, not answer its devices SUCCESS with a commit the new primary lacks.
        let statement = query.query
        return try await client.withTransaction(logger: logger) { [logger] connection in
            var created = Set<Int>()
            for try await row in try await connection.query(statement, logger: logger) {
                created.insert(Int(try row.decode(Int64.self)))
            }
            return created
        }
    }

    /// One transaction, one savepoint per plan: each plan's outcome as if it were written alone.
    /// - Returns: The outcome of each plan, in order; every one fails with the error when the transaction fails.
    private func insertEach(_ plans: [ProvisionedDevicePlan]) async -> [Outcome] {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                var outcomes: [Outcome] = []
                for plan in plans {
                    try await connection.query("SAVEPOINT muster_provision", logger: logger)
                    do {
                        try await PostgresStore.insert(plan, on: connection, logger: logger)
                        try await connection.query("RELEASE SAVEPOINT muster_provision", logger: logger)
                        outcomes.append(.success(.created))
                    } catch {
                        try await connection.query("ROLLBACK TO SAVEPOINT muster_provision", logger: logger)
                        if let constraint = PostgresConstraint(error),
                            let creation = PostgresStore.creation(constraint)
                        {
                            outcomes.append(.success(creation))
                        } else {
                            outcomes.append(.failure(PostgresStore.unwrapped(error)))
                        }
                    }
                }
                return outcomes
            }
        } catch {
            let failure = PostgresStore.unwrapped(error)
            return Array(repeating: .failure(failure), count: plans.count)
        }
    }
}
