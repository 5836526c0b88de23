import MusterCore
import Testing

@Suite struct CredentialRulesTests {
    @Test func accessTokenIsTheId() throws {
        let material = try CredentialRules.normalize(type: .accessToken, credentialsId: "tok-1", credentialsValue: nil)
        #expect(material == CredentialsMaterial(type: .accessToken, credentialsId: "tok-1", credentialsValue: nil))
    }

    @Test func validationMessagesOfSpec42() {
        #expect(throws: CredentialsError.typeNotSpecified) {
            try CredentialRules.normalize(type: nil, credentialsId: "x", credentialsValue: nil)
        }
        #expect(throws: CredentialsError.credentialsIdNotSpecified) {
            try CredentialRules.normalize(type: .accessToken, credentialsId: "", credentialsValue: nil)
        }
        #expect(throws: CredentialsError.controlCharacters(field: "credentialsId")) {
            try CredentialRules.normalize(type: .accessToken, credentialsId: "to\nken", credentialsValue: nil)
        }
        #expect(throws: CredentialsError.invalidMQTTBasicBody) {
            try CredentialRules.normalize(type: .mqttBasic, credentialsId: nil, credentialsValue: #"{"clientId":"a","extra":1}"#)
        }
        #expect(throws: CredentialsError.invalidMQTTBasicBody) {
            try CredentialRules.normalize(type: .mqttBasic, credentialsId: nil, credentialsValue: "not json")
        }
        #expect(throws: CredentialsError.clientIdAndUserNameEmpty) {
            try CredentialRules.normalize(type: .mqttBasic, credentialsId: nil, credentialsValue: #"{"password":"p"}"#)
        }
        #expect(throws: CredentialsError.passwordWithClientIdOnly) {
            try CredentialRules.normalize(type: .mqttBasic, credentialsId: nil, credentialsValue: #"{"clientId":"c","password":"p"}"#)
        }
        let withControl = [
            ("clientId", #"{"clientId":"c\ry","userName":"u","password":"p"}"#),
            ("userName", #"{"clientId":"c","userName":"u\ny","password":"p"}"#),
            ("password", #"{"clientId":"c","userName":"u","password":"p\u0000"}"#),
        ]
        for (field, value) in withControl {
            #expect(throws: CredentialsError.controlCharacters(field: field)) {
                try CredentialRules.normalize(type: .mqttBasic, credentialsId: nil, credentialsValue: value)
            }
        }
        #expect(throws: CredentialsError.certificateNotSpecified) {
            try CredentialRules.normalize(type: .x509Certificate, credentialsId: nil, credentialsValue: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----")
        }
        #expect(throws: CredentialsError.unsupportedType(.lwm2mCredentials)) {
            try CredentialRules.normalize(type: .lwm2mCredentials, credentialsId: nil, credentialsValue: "{}")
        }
    }

    @Test func mqttBasicIds() throws {
        let both = try CredentialRules.mqttBasic(MQTTBasicCredentials(clientId: "test_clientId", userName: "test_username", password: "test_password"))
        #expect(both.credentialsId == SHA3Hash.hex("test_clientId|test_username"))
        #expect(both.credentialsValue == #"{"clientId":"test_clientId","userName":"test_username","password":"test_password"}"#)
        let clientOnly = try CredentialRules.mqttBasic(MQTTBasicCredentials(clientId: "c1", userName: nil, password: nil))
        #expect(clientOnly.credentialsId == SHA3Hash.hex("c1"))
        #expect(clientOnly.credentialsValue == #"{"clientId":"c1","userName":null,"password":null}"#)
        let userOnly = try CredentialRules.mqttBasic(MQTTBasicCredentials(clientId: "", userName: "u1", password: "p"))
        #expect(userOnly.credentialsId == "u1")
    }

    @Test func x509IsTrimmedAndHashed() throws {
        let pem = "-----BEGIN CERTIFICATE-----\r\nMIIBabc\nDEF==\n-----END CERTIFICATE-----\n"
        let material = try CredentialRules.x509(pem)
        #expect(material.credentialsValue == "MIIBabcDEF==")
        #expect(material.credentialsId == SHA3Hash.hex("MIIBabcDEF=="))
        #expect(try CredentialRules.x509("testHash").credentialsId == SHA3Hash.hex("testHash"))
    }

    @Test func randomTokensAreTwentyAlphanumerics() {
        let tokens = (0..<50).map { _ in CredentialRules.randomAccessToken().credentialsId }
        #expect(Set(tokens).count == 50)
        for token in tokens {
            #expect(token.count == 20)
            #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
    }
}
