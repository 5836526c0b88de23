import MusterMQTTCodec
import NIOCore
import Testing

@Suite("MQTT 5 properties")
struct MQTTPropertiesTests {
    /// One sample of every property, each valid in the packet given.
    static let samples: [(MQTTProperty, MQTTPacketType)] = [
        (.payloadFormatIndicator(.utf8), .publish),
        (.messageExpiryInterval(3600), .publish),
        (.contentType("application/json"), .publish),
        (.responseTopic("reply/here"), .publish),
        (.correlationData([1, 2, 3]), .publish),
        (.subscriptionIdentifier(268_435_455), .subscribe),
        (.sessionExpiryInterval(0xFFFF_FFFF), .connect),
        (.assignedClientIdentifier("auto-1"), .connAck),
        (.serverKeepAlive(30), .connAck),
        (.authenticationMethod("SCRAM"), .connect),
        (.authenticationData([9]), .auth),
        (.requestProblemInformation(false), .connect),
        (.requestResponseInformation(true), .connect),
        (.responseInformation("resp"), .connAck),
        (.serverReference("other:1883"), .disconnect),
        (.reasonString("why"), .pubAck),
        (.receiveMaximum(20), .connAck),
        (.topicAliasMaximum(0), .connAck),
        (.topicAlias(1), .publish),
        (.maximumQoS(.atLeastOnce), .connAck),
        (.retainAvailable(false), .connAck),
        (.userProperty(.init(name: "k", value: "v")), .unsubAck),
        (.maximumPacketSize(65_536), .connAck),
        (.wildcardSubscriptionAvailable(true), .connAck),
        (.subscriptionIdentifierAvailable(false), .connAck),
        (.sharedSubscriptionAvailable(false), .connAck),
    ]

    @Test func everyIdentifierHasASample() {
        let identifiers = Set(MQTTPropertiesTests.samples.map(\.0.identifier) + [.willDelayInterval])
        #expect(identifiers.count == MQTTPropertyIdentifier.allCases.count)
        #expect(
            MQTTPropertyIdentifier.allCases.count == 27,
            "MQTT 5 table 2-4 defines 27 properties (Will Delay Interval is tested with the will)"
        )
    }

    @Test(arguments: samples + [(.willDelayInterval(5), .connect)])
    func propertyRoundTrips(_ property: MQTTProperty, _ packet: MQTTPacketType) throws {
        let block: MQTTProperties = [property]
        var buffer = ByteBuffer()
        block.write(to: &buffer)
        let will = property.identifier == .willDelayInterval
        #expect(try MQTTProperties.read(from: &buffer, packet: packet, will: will) == block)
        #expect(buffer.readableBytes == 0)
    }

    @Test func identifiersAndTypesFollowTheSpecTable() {
        #expect(MQTTPropertyIdentifier.sessionExpiryInterval.rawValue == 0x11)
        #expect(MQTTPropertyIdentifier.maximumPacketSize.rawValue == 0x27)
        #expect(MQTTPropertyIdentifier.subscriptionIdentifier.dataType == .variableByteInteger)
        #expect(MQTTPropertyIdentifier.userProperty.dataType == .utf8StringPair)
        #expect(MQTTPropertyIdentifier.correlationData.dataType == .binaryData)
        #expect(MQTTPropertyIdentifier.topicAlias.dataType == .twoByteInteger)
        #expect(MQTTPropertyIdentifier.willDelayInterval.isAllowed(in: .connect, will: true))
        #expect(!MQTTPropertyIdentifier.willDelayInterval.isAllowed(in: .connect, will: false))
    }

    @Test func userPropertiesMayRepeat() throws {
        var buffer = bytes("0e 26 0001 61 0001 62 26 0001 61 0001 63")
        let block = try MQTTProperties.read(from: &buffer, packet: .publish)
        #expect(block.userProperties == [.init(name: "a", value: "b"), .init(name: "a", value: "c")])
    }

    @Test func unknownIdentifier() {
        var buffer = bytes("02 00 00")
        #expect(throws: MQTTDecodeError.unknownProperty(packet: .connAck, identifier: 0)) {
            try MQTTProperties.read(from: &buffer, packet: .connAck)
        }
    }

    @Test func duplicateSingleValueProperty() {
        var buffer = bytes("06 27 00000100 27")
        #expect(throws: MQTTDecodeError.duplicateProperty(packet: .connAck, field: .property(.maximumPacketSize))) {
            try MQTTProperties.read(from: &buffer, packet: .connAck)
        }
    }

    @Test func truncatedValue() {
        var buffer = bytes("03 27 0000")
        #expect(throws: MQTTDecodeError.truncated(packet: .connAck, field: .property(.maximumPacketSize))) {
            try MQTTProperties.read(from: &buffer, packet: .connAck)
        }
    }

    @Test func maximumPacketSizeZeroIsInvalid() {
        var buffer = bytes("05 27 00000000")
        #expect(throws: MQTTDecodeError.invalidPropertyValue(packet: .connect, field: .property(.maximumPacketSize))) {
            try MQTTProperties.read(from: &buffer, packet: .connect)
        }
    }

    @Test func accessorsReplaceInPlaceAndRemove() {
        var block: MQTTProperties = [.receiveMaximum(10), .reasonString("x"), .receiveMaximum(11)]
        block.receiveMaximum = 20
        #expect(block.all == [.receiveMaximum(20), .reasonString("x")])
        block.maximumPacketSize = 1024
        #expect(block.all == [.receiveMaximum(20), .reasonString("x"), .maximumPacketSize(1024)])
        block.reasonString = nil
        #expect(block.all == [.receiveMaximum(20), .maximumPacketSize(1024)])
        block.userProperties = [.init(name: "a", value: "b")]
        #expect(block.userProperties.count == 1)
        #expect(block.maximumQoS == nil)
    }
}
