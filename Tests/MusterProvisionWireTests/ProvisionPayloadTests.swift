import MusterCore
import MusterProvisionWire
import Testing

@Suite struct ProvisionPayloadTests {
    @Test func jsonFirst() throws {
        let (request, format) = try ProvisionPayload.decode(Array(#"{"provisionDeviceKey":"k","provisionDeviceSecret":"s"}"#.utf8))
        #expect(format == .json)
        #expect(request.provisionDeviceKey == "k")
    }

    @Test func protobufRequestWithEveryField() throws {
        let bytes: [UInt8] = [
            0x0A, 0x01, 0x64,  // deviceName "d"
            0x10, 0x02,  // credentialsType MQTT_BASIC
            0x1A, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x73,  // {key "k", secret "s"}
            0x22, 0x0B, 0x1A, 0x09, 0x0A, 0x01, 0x63, 0x12, 0x01, 0x75, 0x1A, 0x01, 0x70,  // {basic {c, u, p}}
            0x28, 0x01,  // gateway
        ]
        let (request, format) = try ProvisionPayload.decode(bytes)
        #expect(format == .protobuf)
        #expect(request == ProvisionRequest(
            provisionDeviceKey: "k", provisionDeviceSecret: "s", deviceName: "d", credentialsType: .mqttBasic,
            clientId: "c", username: "u", password: "p", gateway: true
        ))
    }

    @Test func emptyPayloadIsAnEmptyProtobufRequest() throws {
        let (request, format) = try ProvisionPayload.decode([])
        #expect(format == .protobuf)
        #expect(request.provisionDeviceKey.isEmpty)
        #expect(ProvisionResponse.encode(.failure(.notFound(.emptyKeyOrSecret)), format: .protobuf) == [0x08, 0x02])
    }

    @Test func jsonErrorsAreNotRetriedAsProtobuf() {
        #expect(throws: ProvisionRequestError.missingField("provisionDeviceSecret")) {
            try ProvisionPayload.decode(Array(#"{"provisionDeviceKey":"k"}"#.utf8))
        }
        #expect(throws: ProvisionRequestError.invalidProtobuf) { try ProvisionPayload.decode([0x0A, 0x05, 0x61]) }
    }

    @Test func responses() {
        let token = CredentialsMaterial(type: .accessToken, credentialsId: "tok", credentialsValue: nil)
        #expect(ProvisionResponse.encode(.success(token), format: .json) == Array(#"{"credentialsValue":"tok","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}"#.utf8))
        #expect(ProvisionResponse.encode(.success(token), format: .protobuf) == [0x08, 0x01, 0x1A, 0x03, 0x74, 0x6F, 0x6B])
        #expect(ProvisionResponse.encode(.failure(.failure(.deviceNameTaken)), format: .protobuf) == [0x08, 0x03])
        #expect(String(decoding: ProvisionResponse.encode(.failure(.notFound(.unknownKey)), format: .json), as: UTF8.self)
            == #"{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}"#)
    }

    /// A store condition (a full disk, a lost database) is FAILURE with an `errorMsg` that says so, since MQTT has
    /// no other way to tell the device; a store failure without a condition (a bug) keeps ThingsBoard's text.
    @Test func storeConditionsNameTheirCauseInFailure() {
        func json(_ error: ProvisionError) -> String {
            String(decoding: ProvisionResponse.encode(.failure(error), format: .json), as: UTF8.self)
        }
        #expect(json(.failure(.storageFailure(.full)))
            == #"{"errorMsg":"Failed to provision device: the server's disk is full; nothing was stored; retry later","status":"FAILURE"}"#)
        #expect(json(.failure(.storageFailure(.unavailable))).contains("the database is unavailable"))
        #expect(json(.failure(.storageFailure(nil))) == #"{"errorMsg":"Failed to provision device!","status":"FAILURE"}"#)
        #expect(ProvisionResponse.encode(.failure(.failure(.storageFailure(.full))), format: .protobuf) == [0x08, 0x03])
    }
}
