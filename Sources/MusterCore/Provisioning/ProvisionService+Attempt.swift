extension ProvisionService {
    /// One provisioning attempt, in the one order every transport follows (HTTP, MQTT, CoAP):
    ///
    /// 1. The source's cooling-off is checked, once: a refused source gets
    ///    ``ProvisionAttempt/refused(retryAfterSeconds:)`` before its payload is read or decoded, and nothing is audited
    ///    or counted.
    /// 2. The payload is read (`payload`: HTTP reads its body only now) and decoded by the transport's `decode`
    ///    (the wire formats live in `MusterProvisionWire`, which the core cannot see). A payload that is not a request
    ///    is audited as `BAD_REQUEST` and counted once against its source: ``ProvisionAttempt/malformed(_:)``.
    /// 3. `admit` may decline the decoded request (CoAP: an Accept option naming another format than the answer's):
    ///    ``ProvisionAttempt/declined(_:)``, nothing audited or counted.
    /// 4. The algorithm runs (spec §2): the key's cooling-off is checked (the source's is not checked again), the
    ///    outcome is audited and a failure counted against the source and key:
    ///    ``ProvisionAttempt/answered(_:format:)``.
    ///
    /// - Parameters:
    ///   - context: The transport and source address.
    ///   - payload: Reads the request's bytes; its error is rethrown as is (an HTTP body over the limit).
    ///   - decode: Reads the bytes as a request and says which format they were in.
    ///   - admit: `nil` to go on with a decoded request's format, or what the transport answers instead.
    /// - Throws: Only `payload`'s error.
    package func attempt<Format: Sendable, Declined: Sendable, ReadError: Error>(
        context: ProvisionContext,
        payload: () async throws(ReadError) -> [UInt8],
        decode: ([UInt8]) throws(ProvisionRequestError) -> (ProvisionRequest, Format),
        admit: (Format) -> Declined?
    ) async throws(ReadError) -> ProvisionAttempt<Format, Declined> {
        if let retryAfter = await refusal(source: context.sourceAddress) {
            metrics.coolingOffRefusal(transport: context.transport, scope: "source")
            return .refused(retryAfterSeconds: retryAfter)
        }
        let bytes = try await payload()
        let start = ContinuousClock.now
        let request: ProvisionRequest
        let format: Format
        do {
            (request, format) = try decode(bytes)
        } catch {
            await recordMalformed(error, context: context)
            return .malformed(error)
        }
        if let declined = admit(format) { return .declined(declined) }
        let result: Result<CredentialsMaterial, ProvisionError>
        do {
            result = .success(try await run(request, context: context, sourceChecked: true))
        } catch {
            result = .failure(error)
        }
        metrics.provisionDuration(transport: context.transport, ContinuousClock.now - start)
        return .answered(result, format: format)
    }

    /// ``attempt(context:payload:decode:admit:)`` for a transport that answers every format it decodes.
    package func attempt<Format: Sendable, ReadError: Error>(
        context: ProvisionContext,
        payload: () async throws(ReadError) -> [UInt8],
        decode: ([UInt8]) throws(ProvisionRequestError) -> (ProvisionRequest, Format)
    ) async throws(ReadError) -> ProvisionAttempt<Format, Never> {
        try await attempt(context: context, payload: payload, decode: decode, admit: { _ in nil })
    }
}
