import MusterMQTTCodec
import NIOCore
import Testing

@Suite("AUTH")
struct AuthPacketTests {
    static let fixtures: [PacketFixture] = [
        PacketFixture("spec 5, success with empty body", .v5, "f0 00", .auth(.init())),
        PacketFixture(
            "spec 5, continue authentication with method and data",
            .v5,
            "f0 14 18 12 15 0009 \(ascii("SCRAM-SHA")) 16 0003 010203",
            .auth(
                .init(
                    reasonCode: .continueAuthentication,
                    properties: [.authenticationMethod("SCRAM-SHA"), .authenticationData([1, 2, 3])]
                )
            )
        ),
    ]

    @Test(arguments: fixtures)
    func validFixture(_ fixture: PacketFixture) throws {
        try verifyFixture(fixture)
    }

    static let hostile: [HostileFixture] = [
        HostileFixture("on 3.1.1, type 15 is reserved", .v311, bytes("f0 00"), .unknownPacketType(15)),
        HostileFixture(
            "reason code 0x00 is fine, 0x87 is not",
            .v5,
            bytes("f0 02 87 00"),
            .invalidReasonCode(packet: .auth, code: 0x87)
        ),
        HostileFixture(
            "reason code without property length",
            .v5,
            bytes("f0 01 18"),
            .truncated(packet: .auth, field: .properties)
        ),
    ]

    @Test(arguments: hostile)
    func hostileFixture(_ fixture: HostileFixture) {
        #expect(decodeError(fixture.input, version: fixture.version) == fixture.error)
    }
}
