import Foundation
import MusterCore
import Testing

@testable import MusterPostgres

/// The JSON text of a cluster event on `muster_events`: every event reads back as written, values never travel,
/// and a payload stays under PostgreSQL's 8,000-byte limit.
@Suite struct ClusterEventPayloadTests {
    private static let tenant = UUID()
    private static let device = UUID()

    static let events: [ClusterEvent] = [
        .profilesChanged(tenantId: tenant),
        .sharedAttributesChanged(SharedAttributesChange(tenantId: tenant, deviceId: device, keys: ["fw", "ünïcode"])),
        .sharedAttributesChanged(SharedAttributesChange(tenantId: tenant, deviceId: device, keys: nil)),
        .deviceRevoked(DeviceSessionRevocation(
            deviceId: device, tenantId: tenant, deviceName: "meter \"7\"", reason: .credentialsChanged)),
        .deviceRevoked(DeviceSessionRevocation(deviceId: device, tenantId: tenant, deviceName: "m", reason: .deviceDeleted)),
        .signingKeyChanged,
    ]

    @Test(arguments: events)
    func everyEventReadsBackAsWritten(event: ClusterEvent) throws {
        let origin = UUID()
        let text = ClusterEventPayload(origin: origin, sequence: 42, event: event).encoded()
        let read = try ClusterEventPayload.decode(text)
        #expect(read == ClusterEventPayload(origin: origin, sequence: 42, event: event))
    }

    @Test func writtenValuesNeverLeaveTheNode() throws {
        let change = SharedAttributesChange(
            tenantId: Self.tenant, deviceId: Self.device, keys: ["secret-key"],
            values: [Attribute(key: "secret-key", value: .string("do-not-send"), lastUpdateTs: 1)])
        let text = ClusterEventPayload(origin: UUID(), sequence: 1, event: .sharedAttributesChanged(change)).encoded()
        #expect(!text.contains("do-not-send"))
        #expect(try ClusterEventPayload.decode(text).event == .sharedAttributesChanged(change.withoutValues))
    }

    @Test func aKeyListTooLongForANotificationIsSentAsEveryKey() throws {
        let keys = (0..<200).map { "key-\($0)-" + String(repeating: "k", count: 60) }
        let change = SharedAttributesChange(tenantId: Self.tenant, deviceId: Self.device, keys: keys)
        let text = ClusterEventPayload(origin: UUID(), sequence: 1, event: .sharedAttributesChanged(change)).encoded()
        #expect(text.utf8.count <= ClusterEventPayload.maximumBytes)
        #expect(try ClusterEventPayload.decode(text).event == .sharedAttributesChanged(
            SharedAttributesChange(tenantId: Self.tenant, deviceId: Self.device, keys: nil)))
        // A list that fits is kept whole.
        let fitting = SharedAttributesChange(tenantId: Self.tenant, deviceId: Self.device, keys: Array(keys.prefix(50)))
        let kept = ClusterEventPayload(origin: UUID(), sequence: 2, event: .sharedAttributesChanged(fitting)).encoded()
        #expect(try ClusterEventPayload.decode(kept).event == .sharedAttributesChanged(fitting))
    }

    @Test(arguments: [
        ("not json", ClusterEventPayloadError.malformed("")),
        (#"{"event":"futureEvent","origin":"7D444840-9DC0-11D1-B245-5FFDCE74FAD2","seq":1}"#, .unknownEvent("futureEvent")),
        (#"{"event":"profilesChanged","origin":"7D444840-9DC0-11D1-B245-5FFDCE74FAD2","seq":1}"#,
         .missingField("profilesChanged", "tenantId")),
    ])
    func aForeignPayloadIsRefusedWithItsReason(text: String, expected: ClusterEventPayloadError) {
        #expect {
            _ = try ClusterEventPayload.decode(text)
        } throws: { error in
            switch (error as? ClusterEventPayloadError, expected) {
            case (.malformed?, .malformed): return true
            case (let actual?, _): return actual == expected
            default: return false
            }
        }
    }
}
