import MusterCoAPCodec
import NIOCore
import Testing

@Suite("Typed option accessors")
struct CoAPMessageOptionsTests {
    @Test func everyAccessorRoundTrips() throws {
        // Given a request with every typed option set
        var message = CoAPMessage(
            type: .confirmable,
            code: .fetch,
            messageID: 0xBEEF,
            token: CoAPToken(bytes: [1, 2, 3, 4, 5, 6, 7, 8])!
        )
        message.uriHost = "muster.local"
        message.uriPort = 5683
        message.uriPath = ["api", "v1", "provision"]
        message.uriQueryItems = ["clientKeys=a,b", "sharedKeys=c", "flag"]
        message.contentFormat = .json
        message.accept = .cbor
        message.observe = 0
        message.maxAge = 86_400
        message.size1 = 4000
        message.size2 = 70_000
        message.eTag = [0xCA, 0xFE]
        message.block1 = CoAPBlockOption(number: 5, more: true, sizeExponent: 4)
        message.block2 = CoAPBlockOption(number: 0, more: false, sizeExponent: 6)
        message.locationPath = ["devices", "42"]
        message.payload = ByteBuffer(string: "{}")

        // When it is encoded and decoded
        var buffer = message.encoded()
        let decoded = try CoAPMessage.decode(from: &buffer)

        // Then every accessor reads back what was set
        #expect(decoded == message)
        #expect(decoded.uriHost == "muster.local")
        #expect(decoded.uriPort == 5683)
        #expect(decoded.uriPath == ["api", "v1", "provision"])
        #expect(decoded.uriQuery == ["clientKeys": ["a,b"], "sharedKeys": ["c"], "flag": [""]])
        #expect(decoded.contentFormat == .json)
        #expect(decoded.accept == .cbor)
        #expect(decoded.observe == 0)
        #expect(decoded.maxAge == 86_400)
        #expect(decoded.size1 == 4000)
        #expect(decoded.size2 == 70_000)
        #expect(decoded.eTag == [0xCA, 0xFE])
        #expect(decoded.block1 == CoAPBlockOption(number: 5, more: true, sizeExponent: 4))
        #expect(decoded.block2 == CoAPBlockOption(number: 0, more: false, sizeExponent: 6))
        #expect(decoded.locationPath == ["devices", "42"])
        #expect(
            decoded.options.map(\.number.rawValue) == [
                3, 4, 6, 7, 8, 8, 11, 11, 11, 12, 14, 15, 15, 15, 17, 23, 27, 28, 60,
            ])
    }

    @Test func settingNilRemoves() {
        var message = CoAPMessage(type: .confirmable, code: .get, messageID: 1)
        message.observe = 0
        message.contentFormat = .textPlain
        message.observe = nil
        #expect(message.observe == nil)
        #expect(message.options.map(\.number) == [.contentFormat])
        // Content-Format 0 is the empty value
        #expect(message.options[0].value.readableBytes == 0)
        #expect(message.contentFormat == .textPlain)
    }

    @Test func observeSequenceIsKeptTo24Bits() {
        var message = CoAPMessage(type: .confirmable, code: .content, messageID: 1)
        message.observe = 0x0100_0005
        #expect(message.observe == 5)
        #expect(message.firstOption(.observe)?.value.readableBytes == 1)
    }

    @Test func queryArgumentsSplitAtTheFirstEquals() {
        var message = CoAPMessage(type: .confirmable, code: .get, messageID: 1)
        message.uriQueryItems = ["a=b=c", "a=", "=x", "a=d"]
        #expect(message.uriQuery == ["a": ["b=c", "", "d"], "": ["x"]])
    }

    @Test func emptyPathIsRoot() {
        let message = CoAPMessage(type: .confirmable, code: .get, messageID: 1)
        #expect(message.uriPath.isEmpty)
        #expect(message.uriPathString == "/")
    }

    @Test func criticalAndElective() {
        let critical: [CoAPOptionNumber] = [
            .ifMatch, .uriHost, .ifNoneMatch, .uriPort, .uriPath, .uriQuery, .accept,
            .block2, .block1, .proxyUri, .proxyScheme,
        ]
        let elective: [CoAPOptionNumber] = [
            .eTag, .observe, .locationPath, .contentFormat, .maxAge, .locationQuery,
            .size2, .size1, .noResponse,
        ]
        #expect(critical.allSatisfy { $0.isCritical })
        #expect(elective.allSatisfy { $0.isElective })
        #expect(CoAPOptionNumber.size1.isNoCacheKey)
        #expect(CoAPOptionNumber.uriHost.isUnsafe)
        #expect(!CoAPOptionNumber.contentFormat.isUnsafe)
        #expect((critical + elective).allSatisfy { $0.isRecognized })
        #expect(CoAPOptionNumber.uriPath.description == "Uri-Path")
        #expect(CoAPOptionNumber(9).description == "Option(9)")
    }

    @Test func unrecognizedCriticalOption() {
        var message = CoAPMessage(type: .confirmable, code: .post, messageID: 1)
        message.uriPath = ["api"]
        message.addOption(CoAPOption(CoAPOptionNumber(2049), string: "x"))  // critical, unknown
        message.addOption(CoAPOption(CoAPOptionNumber(2048), string: "y"))  // elective, unknown
        #expect(message.firstUnrecognizedCriticalOption(recognized: [.uriPath]) == CoAPOptionNumber(2049))
        #expect(message.firstUnrecognizedCriticalOption(recognized: [.uriPath, CoAPOptionNumber(2049)]) == nil)
    }
}
