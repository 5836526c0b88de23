import Foundation
import MusterCore

/// A ``ClusterEvent`` as the JSON text of one notification on ``PostgresClusterEventBus/channel``, with the node that
/// sent it and that node's sequence number (together the notification's id: a node recognises its own events coming
/// back, and acknowledges by that id).
///
/// `{"event":"profilesChanged","origin":"…","seq":7,"tenantId":"…"}`, plus `"ack":true` on the last payload of a
/// ``PostgresClusterEventBus/publish(_:)``: every other listening node answers it with a ``ClusterAcknowledgement``
/// once it has applied it (and so every payload sent before it in the same statement); `sharedAttributesChanged` adds `deviceId`
/// and `keys` (never a value), `deviceRevoked` adds `deviceId`, `deviceName` and `reason` (never a credential),
/// `signingKeyChanged` nothing. PostgreSQL refuses a payload of 8,000 bytes or more: a key list that would make it
/// that long is left out, which the receiver reads as "every shared attribute of the device".
struct ClusterEventPayload: Sendable, Equatable {
    /// The longest payload PostgreSQL accepts, in bytes (its limit: shorter than 8,000).
    static let maximumBytes = 7999

    var origin: UUID
    var sequence: UInt64
    var event: ClusterEvent
    /// Whether the publisher waits for the other nodes' ``ClusterAcknowledgement`` of this payload.
    var acknowledge = false

    /// The JSON text, at most ``maximumBytes`` bytes.
    func encoded() -> String {
        var wire = Wire(event: event, origin: origin, sequence: sequence)
        wire.ack = acknowledge ? true : nil
        var text = wire.text
        if text.utf8.count > Self.maximumBytes, wire.keys != nil {
            wire.keys = nil
            text = wire.text
        }
        if text.utf8.count > Self.maximumBytes, wire.deviceName != nil {
            // Only a name far beyond any entity name's limit gets here; the audit entry then goes without it.
            wire.deviceName = ""
            text = wire.text
        }
        return text
    }

    /// Reads a payload.
    /// - Throws: ``ClusterEventPayloadError`` for text that is not one of our events.
    static func decode(_ text: String) throws(ClusterEventPayloadError) -> ClusterEventPayload {
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: Data(text.utf8)) } catch {
            throw .malformed("\(error)")
        }
        return ClusterEventPayload(
            origin: wire.origin, sequence: wire.seq, event: try wire.clusterEvent(), acknowledge: wire.ack ?? false)
    }

    /// The JSON shape.
    private struct Wire: Codable {
        var event: String
        var origin: UUID
        var seq: UInt64
        var tenantId: UUID?
        var deviceId: UUID?
        var keys: [String]?
        var deviceName: String?
        var reason: String?
        var ack: Bool?

        init(event clusterEvent: ClusterEvent, origin: UUID, sequence: UInt64) {
            self.origin = origin
            seq = sequence
            switch clusterEvent {
            case .profilesChanged(let tenantId):
                event = "profilesChanged"
                self.tenantId = tenantId
            case .sharedAttributesChanged(let change):
                event = "sharedAttributesChanged"
                tenantId = change.tenantId
                deviceId = change.deviceId
                keys = change.keys
            case .deviceRevoked(let revocation):
                event = "deviceRevoked"
                tenantId = revocation.tenantId
                deviceId = revocation.deviceId
                deviceName = revocation.deviceName
                reason = revocation.reason.rawValue
            case .signingKeyChanged:
                event = "signingKeyChanged"
            }
        }

        var text: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // Encoding strings, UUIDs and integers cannot fail.
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }

        func clusterEvent() throws(ClusterEventPayloadError) -> ClusterEvent {
            switch event {
            case "profilesChanged":
                guard let tenantId else { throw .missingField(event, "tenantId") }
                return .profilesChanged(tenantId: tenantId)
            case "sharedAttributesChanged":
                guard let tenantId else { throw .missingField(event, "tenantId") }
                guard let deviceId else { throw .missingField(event, "deviceId") }
                return .sharedAttributesChanged(SharedAttributesChange(tenantId: tenantId, deviceId: deviceId, keys: keys))
            case "deviceRevoked":
                guard let tenantId else { throw .missingField(event, "tenantId") }
                guard let deviceId else { throw .missingField(event, "deviceId") }
                guard let reason, let parsed = DeviceRevocationReason(rawValue: reason) else {
                    throw .missingField(event, "reason")
                }
                return .deviceRevoked(DeviceSessionRevocation(
                    deviceId: deviceId, tenantId: tenantId, deviceName: deviceName ?? "", reason: parsed))
            case "signingKeyChanged":
                return .signingKeyChanged
            default:
                throw .unknownEvent(event)
            }
        }
    }
}

/// Why a notification's payload is not a cluster event (a newer node's event, or someone else's `NOTIFY`).
enum ClusterEventPayloadError: Error, Equatable {
    /// Not JSON of the expected shape.
    case malformed(String)
    /// An event this node does not know.
    case unknownEvent(String)
    /// The event lacks a field it needs (event, field).
    case missingField(String, String)
}
