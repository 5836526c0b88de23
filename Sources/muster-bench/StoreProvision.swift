import ArgumentParser
import Foundation
import Logging
import MusterCore
import Synchronization

/// `muster-bench provision-store`: concurrent `createProvisionedDevice` calls for new devices straight on a
/// store, without a transport, to compare ways of writing them (group commit or one transaction each). With
/// `--audit`, each provisioning also records its audit entry through the server's buffered recorder: the raw
/// store's limit for what an HTTP provisioning writes (`scripts/bench-provision.sh` compares the two).
struct StoreProvision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision-store", abstract: "Provision new devices straight on a store and time it.")

    @Option(help: "A PostgreSQL URL (an empty database); without it, SQLite in --dir.") var database: String?
    @Option(help: "A new SQLite data directory.") var dir: String?
    @Option(help: "Concurrent callers.") var clients: Int = 64
    @Option(help: "Seconds to run.") var seconds: Int = 10
    @Option(help: "The most provisionings written together; 1 = one transaction each.") var groupCommitLimit: Int = 64
    @Flag(help: "Check the provisioning limiter's cooling-off (source and key) before each provisioning, in PostgreSQL's shared failure counts as several nodes do (in memory on SQLite).")
    var limiter = false
    @Flag(help: "With --limiter, also count a failure of the source and key after each provisioning (the write a failed attempt costs; the limit is set so high that nothing is refused).")
    var countFailures = false
    @Flag(help: "Record an audit entry for each provisioning through the buffered recorder the server uses (flushed every 100 ms).")
    var audit = false

    func run() async throws {
        let bench = try await BenchStore.open(database: database, directory: dir, groupCommitLimit: groupCommitLimit)
        defer { bench.close() }
        let store = bench.store
        let profile = bench.profile
        let limits = ProvisionRateLimiter.Configuration(failuresPerSource: countFailures ? 1_000_000_000 : 30)
        let limiter = self.limiter ? ProvisionRateLimiter(configuration: limits, shared: bench.failureCounts) : nil
        let countFailures = self.countFailures
        let recorder = audit ? AuditRecorder(store: store, logger: Logger(label: "muster-bench.audit")) : nil
        let flushing = recorder.map { recorder in Task { await recorder.run() } }
        let cpuBefore = Self.processCPUSeconds()
        let deadline = ContinuousClock.now + .seconds(seconds)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var latencies: [Duration] = []
                    var number = 0
                    while ContinuousClock.now < deadline {
                        number += 1
                        let now = SystemWallClock().nowMilliseconds()
                        let device = Device(
                            id: EntityIdentifier.make(at: now), tenantId: profile.tenantId,
                            name: "store-\(client)-\(number)", type: profile.name, deviceProfileId: profile.id,
                            additionalInfo: nil, createdTime: now)
                        let credentials = DeviceCredentials(
                            id: EntityIdentifier.make(at: now), deviceId: device.id, createdTime: now,
                            type: .accessToken, credentialsId: "token-\(UUID().uuidString)", credentialsValue: nil)
                        let began = ContinuousClock.now
                        if let limiter, await limiter.refusal(source: "192.0.2.\(client)", key: "bench-key-\(client)", now: now) != nil {
                            throw ValidationError("the limiter refused a provisioning")
                        }
                        let result = try await store.createProvisionedDevice(
                            ProvisionedDevicePlan(device: device, credentials: credentials, provisionedAt: now))
                        guard result == .created else { throw ValidationError("provisioning answered \(result)") }
                        recorder?.record(AuditEntry(
                            id: EntityIdentifier.make(at: now), tenantId: profile.tenantId, time: now,
                            transport: .http, sourceAddress: "192.0.2.\(client)", profileId: profile.id,
                            profileName: profile.name, deviceId: device.id, deviceName: device.name,
                            outcome: .success, reason: "PROVISIONED"))
                        if let limiter, countFailures {
                            await limiter.recordFailure(source: "192.0.2.\(client)", key: "bench-key-\(client)", now: now)
                        }
                        latencies.append(ContinuousClock.now - began)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }.sorted()
        }
        let elapsed = (ContinuousClock.now - start).seconds
        let cpu = Self.processCPUSeconds() - cpuBefore
        flushing?.cancel()
        await flushing?.value
        await recorder?.flush()
        let p50 = latencies.isEmpty ? 0 : latencies[latencies.count / 2].seconds * 1000
        let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, latencies.count * 99 / 100)].seconds * 1000
        print("provisionings: \(latencies.count) in \(String(format: "%.2f", elapsed)) s")
        print("provisionings/s: \(Int(Double(latencies.count) / elapsed))")
        print(String(format: "p50 ms: %.2f  p99 ms: %.2f", p50, p99))
        print(String(format: "cpu us per provisioning: %.1f", latencies.isEmpty ? 0 : cpu * 1e6 / Double(latencies.count)))
    }

    /// The CPU time (user and system) this process has used so far, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
