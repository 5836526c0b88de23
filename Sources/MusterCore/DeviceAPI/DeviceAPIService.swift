import Foundation

/// What a device does after provisioning: send telemetry and attributes, read its attributes.
package struct DeviceAPIService: Sendable {
    private let devices: any DeviceStore
    private let values: any KeyValueStore
    private let clock: any WallClock

    package init(devices: any DeviceStore, values: any KeyValueStore, clock: any WallClock) {
        self.devices = devices
        self.values = values
        self.clock = clock
    }

    /// The device holding access token `token`.
    /// - Throws: ``DeviceAPIError/unknownToken`` when no device holds it as an access token.
    package func authenticate(accessToken token: String) async throws -> Device {
        guard !token.isEmpty, let (device, credentials) = try await devices.device(credentialsId: token),
            credentials.type == .accessToken, constantTimeEquals(credentials.credentialsId, token)
        else { throw DeviceAPIError.unknownToken }
        return device
    }

    /// Stores a telemetry payload (`{k:v}`, `[{k:v}]` or `{ts, values}`).
    package func postTelemetry(device: Device, body: some Collection<UInt8>) async throws {
        let points: [TimeseriesPoint]
        do { points = try TelemetryPayload.telemetry(body, now: clock.nowMilliseconds()) } catch {
            throw DeviceAPIError.invalidPayload(error)
        }
        try await values.saveTimeseries(entityId: device.id, points)
    }

    /// Stores client attributes `{k:v}`.
    package func postAttributes(device: Device, body: some Collection<UInt8>) async throws {
        let parsed: [(String, AttributeValue)]
        do { parsed = try TelemetryPayload.attributes(body) } catch { throw DeviceAPIError.invalidPayload(error) }
        let now = clock.nowMilliseconds()
        try await values.saveAttributes(entityId: device.id, scope: .client, parsed.map { Attribute(key: $0.0, value: $0.1, lastUpdateTs: now) })
    }

    /// The client and shared attributes a device asks for. As in ThingsBoard, naming keys of one kind only reads
    /// only that scope; naming none reads both scopes whole.
    package func attributes(device: Device, clientKeys: [String]?, sharedKeys: [String]?) async throws
        -> (client: [Attribute], shared: [Attribute])
    {
        let readClient = clientKeys != nil || sharedKeys == nil
        let readShared = sharedKeys != nil || clientKeys == nil
        let client = readClient ? try await values.attributes(entityId: device.id, scope: .client, keys: clientKeys) : []
        let shared = readShared ? try await values.attributes(entityId: device.id, scope: .shared, keys: sharedKeys) : []
        return (client, shared)
    }
}
