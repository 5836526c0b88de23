import Foundation

/// A node's answer to a ``ClusterEventPayload`` that asked for one, as the JSON text of a notification on
/// ``PostgresClusterEventBus/acknowledgementChannel``: "instance `by` has applied event `seq` of node `origin`".
///
/// `{"by":"3f9a0c1d","origin":"…","seq":7}`; `by` is the acknowledging node's instance id, the one its listening
/// connection's `application_name` ends with (`#3f9a0c1d`).
struct ClusterAcknowledgement: Sendable, Equatable, Codable {
    /// The publishing node (``ClusterEventPayload/origin``).
    var origin: UUID
    /// The acknowledged payload's sequence number.
    var seq: UInt64
    /// The acknowledging node's instance id.
    var by: String

    /// The JSON text.
    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings, UUIDs and integers cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads an acknowledgement; `nil` for text that is not one.
    static func decode(_ text: String) -> ClusterAcknowledgement? {
        try? JSONDecoder().decode(ClusterAcknowledgement.self, from: Data(text.utf8))
    }
}
