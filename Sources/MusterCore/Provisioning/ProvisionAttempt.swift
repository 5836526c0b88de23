/// How one provisioning attempt ended (``ProvisionService/attempt(context:payload:decode:admit:)``). Each transport
/// maps it to its wire in one function.
///
/// `Format` is the payload format the transport's decoder found (the answer is written in it); `Declined` is what
/// the transport's own admission of a decoded request gives back when it will not answer it (CoAP's 4.06 for an
/// Accept that names another format), `Never` for transports that answer every format.
package enum ProvisionAttempt<Format: Sendable, Declined: Sendable>: Sendable {
    /// The source is cooling off: the payload was neither read nor decoded, and nothing was audited or counted.
    case refused(retryAfterSeconds: Int)
    /// The payload is not a provisioning request: audited as `BAD_REQUEST` and counted once against its source.
    case malformed(ProvisionRequestError)
    /// The transport declined the decoded request before the algorithm ran; nothing was audited or counted.
    case declined(Declined)
    /// The algorithm ran (or the request's key was cooling off: `.failure(.rateLimited)`): audited, a failure
    /// counted against the source and key; the answer is written in `format`.
    case answered(Result<CredentialsMaterial, ProvisionError>, format: Format)
}

extension ProvisionAttempt: Equatable where Format: Equatable, Declined: Equatable {}
