import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// The one order of a provisioning attempt (``ProvisionService/attempt(context:payload:decode:admit:)``) that every
/// transport goes through: cooling-off check, reading, decoding, malformed recording, admission, the algorithm.
@Suite struct ProvisionAttemptTests {
    /// The attempt's outcome with a test decoder whose format is a plain string.
    typealias Attempt = ProvisionAttempt<String, String>

    private static let source = CoreFixture.context
    private static let elsewhere = ProvisionContext(transport: .coap, sourceAddress: "198.51.100.9")

    /// What the transport's closures saw.
    private struct Calls {
        var reads = 0
        var decodes = 0
        var admissions = 0
    }

    /// An attempt whose decoder returns `request` (or throws `malformed`) in the format "json", admitted unless
    /// `decline` is set; counts the calls of each closure in `calls`.
    private func attempt(
        _ fixture: CoreFixture, _ request: ProvisionRequest?, malformed: ProvisionRequestError = .notAnObject,
        context: ProvisionContext = source, decline: String? = nil, calls: inout Calls,
        whileReading: () async -> Void = {}
    ) async -> Attempt {
        await fixture.provisioning.attempt(
            context: context,
            payload: {
                calls.reads += 1
                await whileReading()
                return Array("payload".utf8)
            },
            decode: { (_: [UInt8]) throws(ProvisionRequestError) -> (ProvisionRequest, String) in
                calls.decodes += 1
                guard let request else { throw malformed }
                return (request, "json")
            },
            admit: { _ in
                calls.admissions += 1
                return decline
            })
    }

    private func request(_ profile: DeviceProfile, name: String, secret: String = "secret-123") -> ProvisionRequest {
        ProvisionRequest(provisionDeviceKey: profile.provisionDeviceKey ?? "", provisionDeviceSecret: secret, deviceName: name)
    }

    /// Every audit entry recorded so far, of every tenant.
    private func auditEntries(_ fixture: CoreFixture) async throws -> [AuditEntry] {
        await fixture.audit.flush()
        return try await fixture.store.auditEntries(tenantId: nil, filter: AuditFilter(), PageLink(pageSize: 100, page: 0)).data
    }

    @Test func anAnsweredAttemptCarriesTheDecodedFormatAndIsAudited() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 3)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var calls = Calls()
        let outcome = await attempt(fixture, request(profile, name: "a-1"), calls: &calls)
        guard case .answered(.success(let credentials), let format) = outcome else {
            Issue.record("not provisioned: \(outcome)"); return
        }
        #expect(format == "json")
        #expect(try await fixture.store.device(credentialsId: credentials.credentialsId)?.0.name == "a-1")
        #expect((calls.reads, calls.decodes, calls.admissions) == (1, 1, 1))
        #expect(try await auditEntries(fixture).map(\.reason) == ["PROVISIONED"])
    }

    @Test func aReSendIsAuditedAsResentNotAsANewProvisioning() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 3)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var calls = Calls()
        var tokens: [String] = []
        for _ in 0..<3 {
            guard case .answered(.success(let credentials), _) = await attempt(fixture, request(profile, name: "r-1"), calls: &calls)
            else { Issue.record("not provisioned"); return }
            tokens.append(credentials.credentialsId)
        }
        #expect(Set(tokens).count == 1)
        let entries = try await auditEntries(fixture)
        #expect(entries.map(\.outcome) == [.success, .success, .success])
        #expect(entries.map(\.reason).sorted() == ["PROVISIONED", "RESENT", "RESENT"])
    }

    @Test func aRefusedSourceIsNeitherReadNorDecodedNorProvisionedNorAudited() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 1)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var calls = Calls()
        // One wrong secret cools the source off.
        _ = await attempt(fixture, request(profile, name: "x", secret: "wrong"), calls: &calls)
        calls = Calls()
        let outcome = await attempt(fixture, request(profile, name: "refused"), calls: &calls)
        #expect(outcome == .refused(retryAfterSeconds: 60))
        #expect((calls.reads, calls.decodes, calls.admissions) == (0, 0, 0))
        #expect(try await fixture.store.device(name: "refused", tenantId: fixture.tenant.id) == nil)
        #expect(try await auditEntries(fixture).map(\.reason) == ["SECRET_MISMATCH"])
        // Another source is not refused.
        let elsewhere = await attempt(fixture, request(profile, name: "fine"), context: Self.elsewhere, calls: &calls)
        guard case .answered(.success, _) = elsewhere else { Issue.record("refused: \(elsewhere)"); return }
    }

    @Test func aMalformedPayloadIsRecordedOnceAndCountedOnce() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 2)
        var calls = Calls()
        let outcome = await attempt(fixture, nil, malformed: .missingField("provisionDeviceSecret"), calls: &calls)
        #expect(outcome == .malformed(.missingField("provisionDeviceSecret")))
        #expect((calls.reads, calls.decodes, calls.admissions) == (1, 1, 0))
        let entries = try await auditEntries(fixture)
        #expect(entries.map { "\($0.outcome.rawValue):\($0.reason)" } == ["BAD_REQUEST:MISSING_FIELD"])
        #expect(entries.first?.sourceAddress == Self.source.sourceAddress && entries.first?.tenantId == nil)
        // Counted once: the limit of 2 is not reached after one malformed payload, and is after a second.
        #expect(await fixture.provisioning.refusal(source: Self.source.sourceAddress) == nil)
        _ = await attempt(fixture, nil, calls: &calls)
        #expect(await fixture.provisioning.refusal(source: Self.source.sourceAddress) == 60)
    }

    @Test func theSourceIsCheckedOnceAtTheStartOfTheAttempt() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 1)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var calls = Calls()
        // The source fails elsewhere while this attempt reads its payload: this attempt, already admitted, goes on.
        let outcome = await attempt(fixture, request(profile, name: "admitted"), calls: &calls) {
            await fixture.limiter.recordFailure(source: Self.source.sourceAddress, key: "", now: fixture.clock.nowMilliseconds())
        }
        guard case .answered(.success, _) = outcome else { Issue.record("not provisioned: \(outcome)"); return }
        #expect(try await fixture.store.device(name: "admitted", tenantId: fixture.tenant.id) != nil)
        // The next attempt finds the source cooling off.
        #expect(await attempt(fixture, request(profile, name: "next"), calls: &calls) == .refused(retryAfterSeconds: 60))
    }

    @Test func aCoolingOffKeyIsAnsweredRateLimitedAndAudited() async throws {
        // Key limit: 5 failures (5 × the source limit of 1), here from five sources.
        let fixture = try await CoreFixture.make(failureLimit: 1)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var calls = Calls()
        for index in 0..<5 {
            let context = ProvisionContext(transport: .mqtt, sourceAddress: "203.0.113.\(index)")
            _ = await attempt(fixture, request(profile, name: "guess", secret: "wrong"), context: context, calls: &calls)
        }
        let outcome = await attempt(fixture, request(profile, name: "right"), context: Self.elsewhere, calls: &calls)
        #expect(outcome == .answered(.failure(.rateLimited(retryAfterSeconds: 60)), format: "json"))
        #expect(try await fixture.store.device(name: "right", tenantId: fixture.tenant.id) == nil)
        #expect(try await auditEntries(fixture).filter { $0.reason == "RATE_LIMITED" }.count == 1)
        // A refused key is not counted against the source, which may still provision with another key.
        let other = try await fixture.makeProfile(.allowCreateNewDevices)
        let next = await attempt(fixture, request(other, name: "other"), context: Self.elsewhere, calls: &calls)
        guard case .answered(.success, _) = next else { Issue.record("refused: \(next)"); return }
    }

    @Test func aDeclinedRequestIsNeitherProvisionedNorAuditedNorCounted() async throws {
        let fixture = try await CoreFixture.make(failureLimit: 1)
        let profile = try await fixture.makeProfile(.allowCreateNewDevices)
        var calls = Calls()
        let outcome = await attempt(fixture, request(profile, name: "declined"), decline: "4.06", calls: &calls)
        #expect(outcome == .declined("4.06"))
        #expect((calls.reads, calls.decodes, calls.admissions) == (1, 1, 1))
        #expect(try await fixture.store.device(name: "declined", tenantId: fixture.tenant.id) == nil)
        #expect(try await auditEntries(fixture).isEmpty)
        #expect(await fixture.provisioning.refusal(source: Self.source.sourceAddress) == nil)
    }

    @Test func aReadErrorIsRethrownWithNothingRecorded() async throws {
        struct BodyTooLarge: Error {}
        let fixture = try await CoreFixture.make(failureLimit: 1)
        await #expect(throws: BodyTooLarge.self) {
            _ = try await fixture.provisioning.attempt(
                context: Self.source, payload: { () async throws(BodyTooLarge) -> [UInt8] in throw BodyTooLarge() },
                decode: { (_: [UInt8]) throws(ProvisionRequestError) -> (ProvisionRequest, String) in throw .notAnObject })
        }
        #expect(try await auditEntries(fixture).isEmpty)
        #expect(await fixture.provisioning.refusal(source: Self.source.sourceAddress) == nil)
    }
}
