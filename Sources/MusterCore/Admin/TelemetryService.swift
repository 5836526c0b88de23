import Foundation

/// Reads and writes the attributes and time series of a tenant's devices and assets.
package struct TelemetryService: Sendable {
    private let devices: any DeviceStore
    private let values: any KeyValueStore
    private let clock: any WallClock
    private let events: any ClusterEventBus

    /// - Parameter events: Where written shared attributes of a device are published, so that every node holding a
    ///   session of the device pushes them.
    package init(devices: any DeviceStore, values: any KeyValueStore, clock: any WallClock, events: any ClusterEventBus) {
        self.devices = devices
        self.values = values
        self.clock = clock
        self.events = events
    }

    /// One process without a cluster: pushes go straight to `changes`.
    package init(devices: any DeviceStore, values: any KeyValueStore, clock: any WallClock, changes: AttributeChangeHub) {
        self.init(
            devices: devices, values: values, clock: clock,
            events: InProcessClusterEventBus(dispatcher: ClusterEventDispatcher(attributeChanges: changes, values: values)))
    }

    /// Checks that `entityId` of `kind` belongs to `tenantId`.
    /// - Throws: ``AdminError/notFound(_:_:)`` otherwise (also for kinds that hold no telemetry).
    package func requireEntity(_ kind: EntityKind, id: UUID, tenantId: UUID) async throws {
        switch kind {
        case .device:
            guard try await devices.device(id: id, tenantId: tenantId) != nil else { throw AdminError.notFound(.device, id) }
        case .asset:
            guard try await devices.asset(id: id, tenantId: tenantId) != nil else { throw AdminError.notFound(.asset, id) }
        default:
            throw AdminError.notFound(kind, id)
        }
    }

    package func attributes(_ kind: EntityKind, id: UUID, scopes: [AttributeScope], keys: [String]?, tenantId: UUID)
        async throws -> [Attribute]
    {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        var result: [Attribute] = []
        for scope in scopes { result += try await values.attributes(entityId: id, scope: scope, keys: keys) }
        return result
    }

    /// Saves an attributes payload `{k:v}` in `scope`; devices may not have client attributes set by an admin.
    package func saveAttributes(_ kind: EntityKind, id: UUID, scope: AttributeScope, body: [UInt8], tenantId: UUID) async throws {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        guard scope != .client else {
            throw AdminError.invalidField(field: "scope", reason: "CLIENT_SCOPE attributes are written by the device only")
        }
        let parsed: [(String, AttributeValue)]
        do { parsed = try TelemetryPayload.attributes(body) } catch {
            throw AdminError.invalidField(field: "body", reason: TelemetryService.describe(error))
        }
        let now = clock.nowMilliseconds()
        let attributes = parsed.map { Attribute(key: $0.0, value: $0.1, lastUpdateTs: now) }
        try await values.saveAttributes(entityId: id, scope: scope, attributes)
        if kind == .device, scope == .shared, !attributes.isEmpty {
            await events.publish(.sharedAttributesChanged(SharedAttributesChange(
                tenantId: tenantId, deviceId: id, keys: attributes.map(\.key), values: attributes)))
        }
    }

    package func deleteAttributes(_ kind: EntityKind, id: UUID, scope: AttributeScope, keys: [String], tenantId: UUID) async throws {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        _ = try await values.deleteAttributes(entityId: id, scope: scope, keys: keys)
    }

    package func saveTelemetry(_ kind: EntityKind, id: UUID, body: [UInt8], tenantId: UUID) async throws {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        let points: [TimeseriesPoint]
        do { points = try TelemetryPayload.telemetry(body, now: clock.nowMilliseconds()) } catch {
            throw AdminError.invalidField(field: "body", reason: TelemetryService.describe(error))
        }
        try await values.saveTimeseries(entityId: id, points)
    }

    package func latestTimeseries(_ kind: EntityKind, id: UUID, keys: [String]?, tenantId: UUID) async throws -> [TimeseriesPoint] {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        return try await values.latestTimeseries(entityId: id, keys: keys)
    }

    package func timeseries(
        _ kind: EntityKind, id: UUID, keys: [String], startTs: Int64, endTs: Int64, limit: Int, ascending: Bool, tenantId: UUID
    ) async throws -> [TimeseriesPoint] {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        return try await values.timeseries(entityId: id, keys: keys, startTs: startTs, endTs: endTs, limit: limit, ascending: ascending)
    }

    package func timeseriesKeys(_ kind: EntityKind, id: UUID, tenantId: UUID) async throws -> [String] {
        try await requireEntity(kind, id: id, tenantId: tenantId)
        return try await values.timeseriesKeys(entityId: id)
    }

    package func attributeKeys(_ kind: EntityKind, id: UUID, scopes: [AttributeScope], tenantId: UUID) async throws -> [String] {
        try await attributes(kind, id: id, scopes: scopes, keys: nil, tenantId: tenantId).map(\.key)
    }

    /// A plain sentence for a payload error.
    package static func describe(_ error: TelemetryPayload.Failure) -> String {
        switch error {
        case .invalidJSON(let failure): return "is not valid JSON (\(failure))"
        case .notAnObject: return "must be a JSON object of keys and values"
        case .invalidTimestamp: return "has a ts that is not an integer"
        case .emptyKey: return "has an empty key"
        case .keyTooLong(let limit): return "has a key longer than \(limit) bytes"
        case .numberOutOfRange(let key):
            return "has a number in '\(key)' that is not a finite double or a 64-bit integer"
        }
    }
}
