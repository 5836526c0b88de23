/// Why a device API call failed. Transports map each case to their status (HTTP 401/400, CoAP 4.01/4.00).
package enum DeviceAPIError: Error, Equatable, Sendable {
    /// No device holds this access token.
    case unknownToken
    case invalidPayload(TelemetryPayload.Failure)
}
