import MusterCore

/// The format a device sent its provisioning request in; the answer uses the same one (decision 10).
package enum ProvisionPayloadFormat: Sendable, Equatable {
    case json
    case protobuf
}

/// Reads provisioning requests as ThingsBoard's MQTT and CoAP transports do: JSON first, and protobuf
/// (`transport.ProvisionDeviceRequestMsg`, spec §3.5) when the payload is not a JSON object at all.
package enum ProvisionPayload {
    /// The request and the format it came in.
    /// - Throws: ``ProvisionRequestError`` when the payload is JSON but not a valid request (a missing key or
    ///   secret, a wrong type), or neither JSON nor protobuf.
    package static func decode(_ payload: [UInt8]) throws(ProvisionRequestError) -> (ProvisionRequest, ProvisionPayloadFormat) {
        do {
            return (try ProvisionRequest(json: payload), .json)
        } catch .invalidJSON, .notAnObject {
            return (try protobufRequest(payload), .protobuf)
        }
    }

    /// The JSON request only (HTTP, where ThingsBoard reads no protobuf), in the shape of ``decode(_:)``.
    /// - Throws: ``ProvisionRequestError`` for anything that is not a valid JSON request.
    package static func decodeJSON(_ payload: [UInt8]) throws(ProvisionRequestError)
        -> (ProvisionRequest, ProvisionPayloadFormat)
    {
        (try ProvisionRequest(json: payload), .json)
    }

    /// `ProvisionDeviceRequestMsg`: 1 deviceName, 2 credentialsType, 3 {1 key, 2 secret}, 4 credentials data
    /// {1 {1 token}, 2 {1 hash}, 3 {1 clientId, 2 userName, 3 password}}, 5 gateway. Absent fields are empty (proto3).
    package static func protobufRequest(_ payload: [UInt8]) throws(ProvisionRequestError) -> ProvisionRequest {
        do {
            var request = ProvisionRequest(provisionDeviceKey: "", provisionDeviceSecret: "")
            for (number, value) in try ProtobufWire.fields(payload[...]) {
                switch (number, value) {
                case (1, _): request.deviceName = try ProtobufWire.string(value)
                case (2, .varint(let code)): request.credentialsType = credentialsType(code)
                case (3, .bytes(let message)):
                    for (field, inner) in try ProtobufWire.fields(message) {
                        if field == 1 { request.provisionDeviceKey = try ProtobufWire.string(inner) }
                        if field == 2 { request.provisionDeviceSecret = try ProtobufWire.string(inner) }
                    }
                case (4, .bytes(let message)):
                    try readCredentials(message, into: &request)
                case (5, .varint(let flag)): request.gateway = flag != 0
                default: continue
                }
            }
            return request
        } catch {
            throw .invalidProtobuf
        }
    }

    private static func readCredentials(_ message: ArraySlice<UInt8>, into request: inout ProvisionRequest) throws(ProtobufWire.Malformed) {
        for (field, value) in try ProtobufWire.fields(message) {
            guard case .bytes(let inner) = value else { continue }
            for (number, item) in try ProtobufWire.fields(inner) {
                switch (field, number) {
                case (1, 1): request.token = try ProtobufWire.string(item)
                case (2, 1): request.hash = try ProtobufWire.string(item)
                case (3, 1): request.clientId = try ProtobufWire.string(item)
                case (3, 2): request.username = try ProtobufWire.string(item)
                case (3, 3): request.password = try ProtobufWire.string(item)
                default: continue
                }
            }
        }
    }

    private static func credentialsType(_ code: UInt64) -> CredentialsType? {
        switch code {
        case 0: return .accessToken
        case 1: return .x509Certificate
        case 2: return .mqttBasic
        case 3: return .lwm2mCredentials
        default: return nil
        }
    }
}
