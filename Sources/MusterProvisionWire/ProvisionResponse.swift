import MusterCore

/// The JSON answer of a provisioning request (spec §2.9), identical for HTTP, MQTT and CoAP: built from the
/// credentials on success, and from ``ProvisionError`` otherwise, with ThingsBoard's exact strings. It lives in
/// this small wire target because all three transports write it; each transport still maps the outcome to its own
/// status (HTTP 200/429, CoAP 2.01/4.00/4.29, MQTT PUBLISH on `/provision/response`).
package enum ProvisionResponse {
    /// `{"credentialsValue":…,"credentialsType":…,"status":"SUCCESS"}`; MQTT-basic values are a nested object.
    package static func success(_ credentials: CredentialsMaterial) -> String {
        let value: String
        switch credentials.type {
        case .accessToken: value = JSONValue.quoted(credentials.credentialsId)
        case .mqttBasic: value = credentials.credentialsValue ?? "null"
        case .x509Certificate, .lwm2mCredentials: value = credentials.credentialsValue.map(JSONValue.quoted) ?? "null"
        }
        return "{\"credentialsValue\":\(value),\"credentialsType\":\"\(credentials.type.rawValue)\",\"status\":\"SUCCESS\"}"
    }

    /// The status and `errorMsg` for a refused request. A rate-limited request is reported as FAILURE.
    package static func failure(_ error: ProvisionError) -> String {
        switch error {
        case .notFound: return #"{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}"#
        case .failure(.invalidCredentials(let error)):
            // The credentials the device asked for are refused: say why, with ThingsBoard's validation message.
            return "{\"errorMsg\":\(JSONValue.quoted(error.thingsBoardMessage)),\"status\":\"FAILURE\"}"
        case .failure(.storageFailure(let condition?)):
            // HTTP and CoAP answer a store condition with 503/507 and 5.03; MQTT has only this answer, so its text
            // says what happened and that a retry may succeed.
            return "{\"errorMsg\":\"Failed to provision device: \(message(condition))\",\"status\":\"FAILURE\"}"
        case .failure: return #"{"errorMsg":"Failed to provision device!","status":"FAILURE"}"#
        case .rateLimited(let seconds):
            return "{\"errorMsg\":\"Too many failed provisioning attempts; retry in \(seconds) s\",\"status\":\"FAILURE\"}"
        }
    }
}

extension ProvisionResponse {
    /// What a store condition means for the device, in FAILURE's `errorMsg`: nothing was stored; retry.
    package static func message(_ condition: StoreFailure) -> String {
        switch condition {
        case .busy: "the database is busy; nothing was stored; retry shortly"
        case .full: "the server's disk is full; nothing was stored; retry later"
        case .io: "the database could not be read or written; nothing was stored; retry later"
        case .unavailable: "the database is unavailable; nothing was stored; retry later"
        }
    }

    /// The answer in `format`: JSON text, or `ProvisionDeviceResponseMsg` (1 status, 2 credentialsType,
    /// 3 credentialsValue; only the status on failure).
    package static func encode(_ result: Result<CredentialsMaterial, ProvisionError>, format: ProvisionPayloadFormat) -> [UInt8] {
        switch (format, result) {
        case (.json, .success(let credentials)): return Array(success(credentials).utf8)
        case (.json, .failure(let error)): return Array(failure(error).utf8)
        case (.protobuf, .success(let credentials)):
            var out: [UInt8] = []
            ProtobufWire.appendVarint(1, 1, to: &out)
            let type: UInt64
            switch credentials.type {
            case .accessToken: type = 0
            case .x509Certificate: type = 1
            case .mqttBasic: type = 2
            case .lwm2mCredentials: type = 3
            }
            if type != 0 { ProtobufWire.appendVarint(2, type, to: &out) }
            let value = credentials.type == .accessToken ? credentials.credentialsId : (credentials.credentialsValue ?? "")
            if !value.isEmpty { ProtobufWire.appendString(3, value, to: &out) }
            return out
        case (.protobuf, .failure(let error)):
            var out: [UInt8] = []
            switch error {
            case .notFound: ProtobufWire.appendVarint(1, 2, to: &out)
            case .failure, .rateLimited: ProtobufWire.appendVarint(1, 3, to: &out)
            }
            return out
        }
    }
}
