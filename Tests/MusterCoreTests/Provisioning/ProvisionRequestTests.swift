import MusterCore
import Testing

@Suite struct ProvisionRequestTests {
    @Test func readsEveryField() throws {
        let request = try ProvisionRequest(json: Array(#"""
            {"provisionDeviceKey":"k","provisionDeviceSecret":"s","deviceName":"d","credentialsType":"MQTT_BASIC",
             "clientId":"c","username":"u","password":"p","gateway":true}
            """#.utf8))
        #expect(request == ProvisionRequest(
            provisionDeviceKey: "k", provisionDeviceSecret: "s", deviceName: "d", credentialsType: .mqttBasic,
            clientId: "c", username: "u", password: "p", gateway: true
        ))
    }

    @Test func nullIsAbsentAndNumbersAreText() throws {
        let request = try ProvisionRequest(json: Array(#"{"provisionDeviceKey":123,"provisionDeviceSecret":"s","username":null,"clientId":null,"password":"p","gateway":"true"}"#.utf8))
        #expect(request.provisionDeviceKey == "123")
        #expect(request.username == "")
        #expect(request.clientId == "")
        #expect(request.gateway)
    }

    @Test func malformedRequests() {
        #expect(throws: ProvisionRequestError.missingField("provisionDeviceKey")) {
            try ProvisionRequest(json: Array(#"{"provisionDeviceSecret":"s"}"#.utf8))
        }
        #expect(throws: ProvisionRequestError.missingField("provisionDeviceSecret")) {
            try ProvisionRequest(json: Array(#"{"provisionDeviceKey":"k","provisionDeviceSecret":null}"#.utf8))
        }
        #expect(throws: ProvisionRequestError.unknownCredentialsType("PSK")) {
            try ProvisionRequest(json: Array(#"{"provisionDeviceKey":"k","provisionDeviceSecret":"s","credentialsType":"PSK"}"#.utf8))
        }
        #expect(throws: ProvisionRequestError.notAnObject) { try ProvisionRequest(json: Array("[1]".utf8)) }
        #expect(throws: ProvisionRequestError.wrongType(field: "deviceName")) {
            try ProvisionRequest(json: Array(#"{"provisionDeviceKey":"k","provisionDeviceSecret":"s","deviceName":{}}"#.utf8))
        }
        #expect(throws: ProvisionRequestError.self) { try ProvisionRequest(json: Array("{oops".utf8)) }
    }
}
