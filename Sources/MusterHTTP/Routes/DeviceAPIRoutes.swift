import Foundation
import Hummingbird
import Logging
import MusterCore
import MusterProvisionWire

/// The device HTTP API: `POST /api/v1/provision` and `/api/v1/{token}/telemetry|attributes`.
struct DeviceAPIRoutes {
    let provisioning: ProvisionService
    let deviceAPI: DeviceAPIService
    let bodyLimit: Int

    func register(on router: Router<MusterRequestContext>) {
        router.post("/api/v1/provision") { request, context in
            let attempt = try await provisioning.attempt(
                context: ProvisionContext(
                    transport: .http, sourceAddress: context.sourceAddress,
                    requestId: context.logger[metadataKey: "hb.request.id"].map { "\($0)" }),
                payload: { try await JSONBody.bytes(of: request, limit: bodyLimit) },
                decode: ProvisionPayload.decodeJSON
            )
            return try Self.response(attempt)
        }
        router.post("/api/v1/:token/telemetry") { request, context in
            guard let device = try await authenticate(context) else { return Self.unauthorized }
            let body = try await JSONBody.bytes(of: request, limit: bodyLimit)
            try await payload { try await deviceAPI.postTelemetry(device: device, body: body) }
            return JSONBody.empty()
        }
        router.post("/api/v1/:token/attributes") { request, context in
            guard let device = try await authenticate(context) else { return Self.unauthorized }
            let body = try await JSONBody.bytes(of: request, limit: bodyLimit)
            try await payload { try await deviceAPI.postAttributes(device: device, body: body) }
            return JSONBody.empty()
        }
        router.get("/api/v1/:token/attributes") { request, context in
            guard let device = try await authenticate(context) else { return Self.unauthorized }
            let clientKeys = request.queryList("clientKeys", "client_keys")
            let sharedKeys = request.queryList("sharedKeys", "shared_keys")
            let (client, shared) = try await deviceAPI.attributes(device: device, clientKeys: clientKeys, sharedKeys: sharedKeys)
            return JSONBody.raw(Array(DeviceAttributesPayload.response(client: client, shared: shared).utf8))
        }
    }

    /// The device of the `{token}` path parameter (percent-decoded: `a%20b` is the token `a b`), or `nil` for an
    /// unknown token.
    private func authenticate(_ context: MusterRequestContext) async throws -> Device? {
        let raw = context.parameters.get("token") ?? ""
        do {
            return try await deviceAPI.authenticate(accessToken: raw.removingPercentEncoding ?? raw)
        } catch DeviceAPIError.unknownToken {
            return nil
        }
    }

    /// ThingsBoard answers an unknown device token with 401 and an empty body.
    private static var unauthorized: Response { JSONBody.empty(status: .unauthorized) }

    private func payload(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch DeviceAPIError.invalidPayload(let failure) {
            throw ThingsBoardError(.badRequest, "Invalid payload: \(TelemetryService.describe(failure))", code: .badRequestParams)
        }
    }

    /// The HTTP answer of a provisioning attempt: 429 with Retry-After for a cooling-off source or key, 400 for a
    /// payload that is not a request, otherwise 200 with ThingsBoard's JSON (SUCCESS, NOT_FOUND or FAILURE).
    static func response(_ attempt: ProvisionAttempt<ProvisionPayloadFormat, Never>) throws -> Response {
        switch attempt {
        case .refused(let retryAfter), .answered(.failure(.rateLimited(let retryAfter)), _):
            throw tooManyRequests(retryAfter)
        case .malformed(let error):
            throw ThingsBoardError(.badRequest, message(error), code: .badRequestParams)
        case .answered(.failure(.failure(.storageFailure(let condition?))), _):
            // The database is lost, busy or full: 503/507 with Retry-After, never a FAILURE the device gives up on.
            throw ThingsBoardError(condition)
        case .answered(.success(let credentials), _):
            return JSONBody.raw(Array(ProvisionResponse.success(credentials).utf8))
        case .answered(.failure(let error), _):
            return JSONBody.raw(Array(ProvisionResponse.failure(error).utf8))
        }
    }

    private static func tooManyRequests(_ retryAfter: Int) -> ThingsBoardError {
        ThingsBoardError(
            .tooManyRequests, "Too many failed provisioning attempts from this address; retry in \(retryAfter) s",
            code: .tooManyRequests, headers: [.retryAfter: String(retryAfter)]
        )
    }

    /// The message of a request that is not a provisioning request at all.
    static func message(_ error: ProvisionRequestError) -> String {
        switch error {
        case .invalidJSON: return "Provision request is not valid JSON"
        case .notAnObject: return "Provision request must be a JSON object"
        case .missingField(let field): return "Failed to find the field \(field) in JSON body!"
        case .wrongType(let field): return "Field \(field) has a wrong type"
        case .invalidProtobuf: return "Provision request is neither JSON nor protobuf"
        case .unknownCredentialsType(let name):
            return "Unknown credentialsType '\(name)'; expected ACCESS_TOKEN, X509_CERTIFICATE, MQTT_BASIC or LWM2M_CREDENTIALS"
        }
    }
}
