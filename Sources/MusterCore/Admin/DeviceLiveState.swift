import Foundation

/// A device as its live console page shows it: latest telemetry, attributes of every scope, provision state and
/// last activity. Its last activity is the rule the device list applies too (``DeviceListing/lastActivityTime``):
/// the latest telemetry or client attribute the device sent.
package struct DeviceLiveState: Sendable, Hashable {
    /// The latest value of each key.
    package var latest: [TimeseriesPoint]
    /// Each scope's attributes, by key.
    package var attributes: [AttributeScope: [Attribute]]
    /// The server attribute `provisionState`, when set.
    package var provisionState: AttributeValue?
    package var lastActivityTime: Int64?
}

extension TelemetryService {
    /// The live state of device `id` of `tenantId`.
    /// - Throws: ``AdminError/notFound(_:_:)`` when the tenant has no such device (any more).
    package func liveState(deviceId id: UUID, tenantId: UUID) async throws -> DeviceLiveState {
        let latest = try await latestTimeseries(.device, id: id, keys: nil, tenantId: tenantId)
        var attributes: [AttributeScope: [Attribute]] = [:]
        for scope in AttributeScope.allCases {
            attributes[scope] = try await self.attributes(.device, id: id, scopes: [scope], keys: nil, tenantId: tenantId)
                .sorted { $0.key < $1.key }
        }
        let activity = latest.map(\.ts) + (attributes[.client] ?? []).map(\.lastUpdateTs)
        return DeviceLiveState(
            latest: latest, attributes: attributes,
            provisionState: attributes[.server]?.first { $0.key == WellKnownAttribute.provisionState }?.value,
            lastActivityTime: activity.max())
    }
}
