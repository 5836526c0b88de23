import Foundation
import Logging

/// Where a provisioning request came from.
package struct ProvisionContext: Sendable, Hashable {
    package var transport: ProvisionTransport
    /// The peer's IP address (without port), used for rate limiting and the audit log.
    package var sourceAddress: String
    /// The id of the request in the transport's log (HTTP's `hb.request.id`, also sent back in `X-Request-Id`),
    /// when it has one: the log line of a failed store call carries it.
    package var requestId: String?

    package init(transport: ProvisionTransport, sourceAddress: String, requestId: String? = nil) {
        self.transport = transport
        self.sourceAddress = sourceAddress
        self.requestId = requestId
    }
}

/// The provisioning algorithm of spec §2 with Muster's decisions. Every transport calls it through
/// ``attempt(context:payload:decode:admit:)``, the one order of a provisioning attempt (cooling-off check, decoding,
/// malformed-payload recording, the algorithm, auditing and failure counting).
package struct ProvisionService: Sendable {
    let store: any ProvisioningStore
    let clock: any WallClock
    let limiter: ProvisionRateLimiter
    private let audit: any AuditSink
    let profileCache: ProvisionProfileCache
    let certificateVerifier: (any CertificateChainVerifier)?
    let sessions: (any DeviceSessionRevoker)?
    /// Where a failed store call is logged with its cause (the driver's code and message, never a bound value).
    let logger: Logger
    /// Counts and times attempts for the operator (``MusterMetrics``).
    let metrics: MusterMetrics

    /// - Parameters:
    ///   - certificateVerifier: Checks that a presented certificate is signed by a chain profile's CA when the client
    ///     did not include the CA in its chain; `nil` matches chain profiles by the presented certificates only.
    ///   - sessions: Told to close the sessions of an existing device whose credentials certificate-chain
    ///     provisioning replaced.
    ///   - logger: Where a failed store call is logged with its cause (the answer only says "unavailable" or "full").
    package init(
        store: any ProvisioningStore, clock: any WallClock, limiter: ProvisionRateLimiter, audit: any AuditSink,
        profileCache: ProvisionProfileCache = ProvisionProfileCache(ttlMilliseconds: 0),
        certificateVerifier: (any CertificateChainVerifier)? = nil, sessions: (any DeviceSessionRevoker)? = nil,
        logger: Logger = Logger(label: "muster.provisioning"), metrics: MusterMetrics = .off
    ) {
        self.logger = logger
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.limiter = limiter
        self.audit = audit
        self.profileCache = profileCache
        self.certificateVerifier = certificateVerifier
        self.sessions = sessions
    }

    /// Provisions a device for a request that is already decoded (core tests; the transports call
    /// ``attempt(context:payload:decode:admit:)``): a cooling-off source or key is refused and audited, then the
    /// algorithm runs, audited, with failures counted.
    /// - Returns: The device's credentials (new, or the ones already issued for a re-send).
    /// - Throws: ``ProvisionError`` with the status and its precise reason.
    package func provision(_ request: ProvisionRequest, context: ProvisionContext) async throws(ProvisionError)
        -> CredentialsMaterial
    {
        try await run(request, context: context, sourceChecked: false)
    }

    /// The algorithm for a decoded request, with its cooling-off check, audit entry and failure count.
    /// - Parameter sourceChecked: Whether this attempt already found its source not cooling off (then only the key
    ///   is checked here, so one attempt checks its source once).
    func run(_ request: ProvisionRequest, context: ProvisionContext, sourceChecked: Bool) async throws(ProvisionError)
        -> CredentialsMaterial
    {
        let now = clock.nowMilliseconds()
        var trail = AuditTrailNote(request: request)
        let source = sourceChecked ? nil : context.sourceAddress
        if let retryAfter = await limiter.refusal(source: source, key: request.provisionDeviceKey, now: now) {
            record(.rateLimited, reason: "RATE_LIMITED", trail: trail, context: context, now: now)
            throw .rateLimited(retryAfterSeconds: retryAfter)
        }
        // The context is the task's while the algorithm runs, so that a failed store call is logged with it.
        let outcome = await Self.$serving.withValue(context) { () async -> Result<CredentialsMaterial, ProvisionError> in
            do throws(ProvisionError) {
                return .success(try await decide(request, now: now, trail: &trail))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let credentials):
            record(.success, reason: trail.resent ? "RESENT" : "PROVISIONED", trail: trail, context: context, now: now)
            return credentials
        case .failure(let error):
            await recordFailure(error, key: request.provisionDeviceKey, trail: trail, context: context, now: now)
            throw error
        }
    }

    /// The attempt the current task serves, for the log line of a failed store call.
    @TaskLocal static var serving: ProvisionContext?

    /// Counts a failed attempt against its source and key, and audits it with its precise reason. A failure of the
    /// store is audited but not counted: a database outage is not a guess, and must not lock devices out.
    func recordFailure(
        _ error: ProvisionError, key: String, trail: AuditTrailNote, context: ProvisionContext, now: Int64
    ) async {
        if case .failure(.storageFailure) = error {} else {
            await limiter.recordFailure(source: context.sourceAddress, key: key, now: now)
        }
        switch error {
        case .notFound(let reason): record(.notFound, reason: reason.rawValue, trail: trail, context: context, now: now)
        case .failure(let reason): record(.failure, reason: reason.code, trail: trail, context: context, now: now)
        case .rateLimited: record(.rateLimited, reason: "RATE_LIMITED", trail: trail, context: context, now: now)
        }
    }

    /// Audits a payload that could not be read as a request, and counts it as a failure of its source (once per
    /// payload: only ``attempt(context:payload:decode:admit:)`` calls it).
    func recordMalformed(_ error: ProvisionRequestError, context: ProvisionContext) async {
        let now = clock.nowMilliseconds()
        await limiter.recordFailure(source: context.sourceAddress, key: "", now: now)
        let reason: String
        switch error {
        case .invalidJSON, .notAnObject, .invalidProtobuf: reason = "MALFORMED_PAYLOAD"
        case .missingField: reason = "MISSING_FIELD"
        case .wrongType: reason = "WRONG_FIELD_TYPE"
        case .unknownCredentialsType: reason = "UNKNOWN_CREDENTIALS_TYPE"
        }
        record(.badRequest, reason: reason, trail: AuditTrailNote(), context: context, now: now)
    }

    /// Seconds until `source` may try again, or `nil` when it is not cooling off. Every attempt checks this itself;
    /// MQTT also asks it before opening a provisioning session (a refused CONNECT), ahead of any attempt.
    package func refusal(source: String) async -> Int? {
        await limiter.refusal(source: source, key: nil, now: clock.nowMilliseconds())
    }

    // MARK: - The algorithm

    private func decide(_ request: ProvisionRequest, now: Int64, trail: inout AuditTrailNote) async throws(ProvisionError)
        -> CredentialsMaterial
    {
        var name = ""
        if !request.deviceName.isEmpty {
            name = request.deviceName.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw .failure(.blankDeviceName) }
        }
        guard !request.provisionDeviceKey.isEmpty, !request.provisionDeviceSecret.isEmpty else {
            throw .notFound(.emptyKeyOrSecret)
        }
        let key = request.provisionDeviceKey
        guard let profile = try await storeCall({
            try await profileCache.profile(forKey: key, now: now) { try await store.deviceProfile(provisionKey: key) }
        }) else { throw .notFound(.unknownKey) }
        trail.profile = profile
        let configuration = profile.provisionConfiguration
        guard let secret = configuration.provisionDeviceSecret else {
            throw .notFound(.noSecretConfigured)
        }
        if !constantTimeEquals(secret, request.provisionDeviceSecret) {
            // A rotation's overlap: the previous secret is accepted until its end, and the audit says it was used.
            guard let previous = configuration.previousProvisionDeviceSecret,
                constantTimeEquals(previous, request.provisionDeviceSecret)
            else { throw .notFound(.secretMismatch) }
            guard let end = configuration.previousSecretValidUntil, now < end else {
                throw .notFound(.previousSecretExpired)
            }
            trail.secretUsed = .previous
        } else if configuration.previousProvisionDeviceSecret != nil,
            let end = configuration.previousSecretValidUntil, now < end
        {
            trail.secretUsed = .current
        }
        if let validUntil = configuration.validUntil, now >= validUntil { throw .notFound(.keyExpired) }
        switch profile.provisionType {
        case .disabled: throw .notFound(.strategyDisabled)
        case .x509CertificateChain: throw .notFound(.x509ChainProfile)
        case .allowCreateNewDevices:
            return try await createOrReturn(request, name: name, profile: profile, now: now, trail: &trail)
        case .checkPreProvisionedDevices:
            return try await admitPreProvisioned(request, name: name, profile: profile, now: now, trail: &trail)
        }
    }

    private func createOrReturn(
        _ request: ProvisionRequest, name requestedName: String, profile: DeviceProfile, now: Int64,
        trail: inout AuditTrailNote
    ) async throws(ProvisionError) -> CredentialsMaterial {
        if !requestedName.isEmpty {
            do { try EntityName.validate(requestedName) } catch { throw .failure(.invalidDeviceName(error)) }
        }
        let requested: CredentialsMaterial?
        do { requested = try Self.requestedCredentials(request) } catch { throw .failure(.invalidCredentials(error)) }
        let name = requestedName.isEmpty ? SecureRandom.alphanumeric(20) : requestedName
        trail.deviceName = name
        if let existing = try await storeCall({ try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: name) }) {
            trail.deviceId = existing.device.id
            let credentials = try resend(request, requested: requested, existing: existing, profile: profile)
            trail.resent = true
            return credentials
        }
        let material = requested ?? CredentialRules.randomAccessToken()
        let additionalInfo: JSONValue? = request.gateway ? .object(["gateway": .bool(true)]) : nil
        switch try await createDevice(named: name, profile: profile, material: material, additionalInfo: additionalInfo, now: now) {
        case .created(let deviceId):
            trail.deviceId = deviceId
            return material
        case .existing(let existing):
            // A concurrent request created it first: answer as a re-send of that one.
            trail.deviceId = existing.device.id
            let credentials = try resend(request, requested: requested, existing: existing, profile: profile)
            trail.resent = true
            return credentials
        }
    }

    /// What ``createDevice(named:profile:material:additionalInfo:now:)`` did.
    enum DeviceCreation {
        case created(deviceId: UUID)
        /// A concurrent request created a device of that name first; here it is.
        case existing(ProvisioningSnapshot)
    }

    /// Creates a device of `profile` with `material` as its credentials and `provisionState = provisioned`, in one
    /// transaction; the store's unique constraints decide races.
    func createDevice(
        named name: String, profile: DeviceProfile, material: CredentialsMaterial, additionalInfo: JSONValue?, now: Int64
    ) async throws(ProvisionError) -> DeviceCreation {
        let device = Device(
            id: EntityIdentifier.make(at: now), tenantId: profile.tenantId, name: name, type: profile.name,
            deviceProfileId: profile.id, additionalInfo: additionalInfo, createdTime: now
        )
        let credentials = DeviceCredentials(
            id: EntityIdentifier.make(at: now), deviceId: device.id, createdTime: now, type: material.type,
            credentialsId: material.credentialsId, credentialsValue: material.credentialsValue
        )
        // A budget counts the devices ALLOW_CREATE_NEW_DEVICES creates through the key (not X.509 chains).
        let budget = profile.provisionType == .allowCreateNewDevices ? profile.provisionConfiguration.maxDevices : nil
        if let budget, budget <= 0 { throw .notFound(.budgetExhausted) }
        let plan = ProvisionedDevicePlan(device: device, credentials: credentials, provisionedAt: now, budget: budget)
        switch try await storeCall({ try await store.createProvisionedDevice(plan) }) {
        case .created:
            return .created(deviceId: device.id)
        case .budgetExhausted:
            throw .notFound(.budgetExhausted)
        case .credentialsTaken:
            throw .failure(.credentialsTaken)
        case .nameTaken:
            guard let existing = try await storeCall({ try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: name) })
            else { throw .failure(.storageFailure(nil)) }
            return .existing(existing)
        }
    }

    private func admitPreProvisioned(
        _ request: ProvisionRequest, name: String, profile: DeviceProfile, now: Int64, trail: inout AuditTrailNote
    ) async throws(ProvisionError) -> CredentialsMaterial {
        trail.deviceName = name
        guard !name.isEmpty,
            let existing = try await storeCall({ try await store.provisioningSnapshot(tenantId: profile.tenantId, deviceName: name) }),
            existing.device.deviceProfileId == profile.id
        else { throw .failure(.deviceNotPreProvisioned) }
        trail.deviceId = existing.device.id
        guard let credentials = existing.credentials else { throw .failure(.storageFailure(nil)) }
        switch try await storeCall({ try await store.markProvisioned(deviceId: existing.device.id, at: now) }) {
        case .marked:
            return credentials.material
        case .alreadySet(let state):
            var snapshot = existing
            snapshot.provisionState = state
            let credentials = try resend(request, requested: nil, existing: snapshot, profile: profile)
            trail.resent = true
            return credentials
        }
    }

    /// A request for a device that already exists: the existing credentials, when decision 1 allows it.
    func resend(
        _ request: ProvisionRequest, requested: CredentialsMaterial?, existing: ProvisioningSnapshot, profile: DeviceProfile
    ) throws(ProvisionError) -> CredentialsMaterial {
        guard existing.device.deviceProfileId == profile.id else {
            throw .failure(profile.provisionType == .allowCreateNewDevices ? .deviceNameTaken : .deviceNotPreProvisioned)
        }
        switch existing.provisionState {
        case .string(WellKnownAttribute.provisioned)?:
            break
        case nil:
            throw .failure(.deviceNameTaken)
        default:
            throw .failure(.unknownProvisionState)
        }
        guard profile.provisionConfiguration.reprovision == .returnExisting else { throw .failure(.alreadyProvisioned) }
        guard let stored = existing.credentials?.material else { throw .failure(.storageFailure(nil)) }
        if let storedBasic = stored.mqttBasic {
            guard request.credentialsType == .mqttBasic,
                request.clientId == storedBasic.clientId ?? "",
                request.username == storedBasic.userName ?? "",
                constantTimeEquals(request.password, storedBasic.password ?? "")
            else { throw .failure(.credentialsMismatch) }
        } else if let requested {
            guard requested.type == stored.type,
                constantTimeEquals(requested.credentialsId, stored.credentialsId)
            else { throw .failure(.credentialsMismatch) }
        }
        return stored
    }

    /// The credentials a request asks for (spec §2.3), or `nil` when it names none. A request whose
    /// `credentialsType` is MQTT_BASIC or X509_CERTIFICATE always names credentials: without the fields they need it
    /// is refused (firmware that asked for MQTT basic must never get a bare token), and an X.509 `hash` must be a
    /// certificate.
    package static func requestedCredentials(_ request: ProvisionRequest) throws(CredentialsError) -> CredentialsMaterial? {
        let type = request.credentialsType ?? .accessToken
        guard request.carriesCredentials || type == .mqttBasic || type == .x509Certificate else { return nil }
        switch type {
        case .accessToken:
            return try CredentialRules.accessToken(request.token)
        case .mqttBasic:
            let fields = MQTTBasicCredentials(clientId: request.clientId, userName: request.username, password: request.password)
            return try CredentialRules.mqttBasic(fields)
        case .x509Certificate:
            return try CredentialRules.x509Certificate(request.hash)
        case .lwm2mCredentials:
            throw .unsupportedType(.lwm2mCredentials)
        }
    }

    func storeCall<T>(_ body: () async throws -> T) async throws(ProvisionError) -> T {
        do { return try await body() } catch {
            let store = error as? any StoreFailureReporting
            var metadata: Logger.Metadata = [
                "failure": "\(store?.storeFailure.map { "\($0)" } ?? "bug")",
                "cause": "\(store?.storeDiagnostic ?? String(reflecting: type(of: error)))",
            ]
            if let serving = Self.serving {
                metadata["transport"] = "\(serving.transport.rawValue)"
                metadata["source"] = "\(serving.sourceAddress)"
                if let requestId = serving.requestId { metadata["hb.request.id"] = "\(requestId)" }
            }
            logger.error("provisioning store call failed", metadata: metadata)
            throw .failure(.storageFailure(store?.storeFailure))
        }
    }

    func record(
        _ outcome: ProvisionOutcome, reason: String, trail: AuditTrailNote, context: ProvisionContext, now: Int64
    ) {
        metrics.provisionAttempt(
            transport: context.transport, profile: trail.profile?.name, outcome: outcome, reason: reason)
        if outcome == .rateLimited { metrics.coolingOffRefusal(transport: context.transport, scope: "key") }
        // The audit's entry as a debug line (`--log-level debug`; `--log-format json` for a shipper); no secret.
        logger.debug("provisioning attempt", metadata: {
            var metadata: Logger.Metadata = [
                "transport": "\(context.transport.rawValue)", "source": "\(context.sourceAddress)",
                "outcome": "\(outcome.rawValue)", "reason": "\(reason)",
            ]
            if let requestId = context.requestId { metadata["hb.request.id"] = "\(requestId)" }
            if let profile = trail.profile?.name { metadata["profile"] = "\(profile)" }
            if let device = trail.deviceName { metadata["device"] = "\(device)" }
            return metadata
        }())
        audit.record(AuditEntry(
            id: EntityIdentifier.make(at: now), tenantId: trail.profile?.tenantId, time: now,
            transport: context.transport, sourceAddress: context.sourceAddress, profileId: trail.profile?.id,
            profileName: trail.profile?.name, deviceId: trail.deviceId, deviceName: trail.deviceName,
            outcome: outcome, reason: reason, details: trail.secretUsed.map { "secret: \($0.rawValue) (rotation overlap)" }
        ))
    }
}

/// What the audit entry of one request will say, filled in as the algorithm learns it.
struct AuditTrailNote {
    var profile: DeviceProfile?
    var deviceName: String?
    var deviceId: UUID?
    /// The request was answered with the credentials of a device provisioned before (a re-send): audited as
    /// `RESENT`, not `PROVISIONED`, so that the devices that came online are countable.
    var resent = false
    /// During a rotation's overlap: which of the profile's two secrets the request sent.
    var secretUsed: RotatedSecret?

    enum RotatedSecret: String {
        case current, previous
    }

    init(request: ProvisionRequest? = nil) {
        if let request, !request.deviceName.isEmpty { deviceName = request.deviceName }
    }
}
