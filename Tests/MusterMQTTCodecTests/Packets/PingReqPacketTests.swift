import MusterMQTTCodec
import NIOCore
import Testing

@Suite("PINGREQ")
struct PingReqPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("paho 3.1.1", .v311, "c0 00", .pingReq(.init())),
        PacketFixture("paho 5", .v5, "c0 00", .pingReq(.init())),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture("one body byte", .v311, bytes("c0 01 00"), .trailingBytes(packet: .pingReq, count: 1)),
        HostileFixture("flags", .v5, bytes("c1 00"), .reservedFlags(packet: .pingReq, flags: 1)),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }
}
