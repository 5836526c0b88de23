import MusterCoAPCodec
import MusterCore

extension CoAPCode {
    /// The response code of a provisioning request that did not succeed (spec §3.3, decision 7): NOT_FOUND
    /// and FAILURE are 4.00 with the answer as payload, a cooling-off source 4.29. SUCCESS is 2.01.
    /// - Parameter error: The core's outcome.
    init(_ error: ProvisionError) {
        switch error {
        case .notFound, .failure: self = .badRequest
        case .rateLimited: self = .tooManyRequests
        }
    }

    /// The response code of a failed device API call (spec §3.4): unknown token 4.01, bad payload 4.00.
    /// - Parameter error: The core's error.
    init(_ error: DeviceAPIError) {
        switch error {
        case .unknownToken: self = .unauthorized
        case .invalidPayload: self = .badRequest
        }
    }
}
