import MusterMQTTCodec
import NIOCore
import Testing

@Suite("PINGRESP")
struct PingRespPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("mosquitto 3.1.1", .v311, "d0 00", .pingResp(.init())),
        PacketFixture("mosquitto 5", .v5, "d0 00", .pingResp(.init())),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture("one body byte", .v311, bytes("d0 01 00"), .trailingBytes(packet: .pingResp, count: 1)),
        HostileFixture("flags", .v5, bytes("d1 00"), .reservedFlags(packet: .pingResp, flags: 1)),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }
}
