import Foundation

/// Attributes and time series of devices and assets.
package protocol KeyValueStore: Sendable {
    /// The attributes of `entityId` in `scope`; all of them when `keys` is `nil`.
    func attributes(entityId: UUID, scope: AttributeScope, keys: [String]?) async throws -> [Attribute]
    /// Inserts or replaces attributes.
    func saveAttributes(entityId: UUID, scope: AttributeScope, _ attributes: [Attribute]) async throws
    /// - Returns: How many were deleted.
    func deleteAttributes(entityId: UUID, scope: AttributeScope, keys: [String]) async throws -> Int
    /// Appends samples and updates the latest values.
    func saveTimeseries(entityId: UUID, _ points: [TimeseriesPoint]) async throws
    /// The latest sample of each key; all keys when `keys` is `nil`.
    func latestTimeseries(entityId: UUID, keys: [String]?) async throws -> [TimeseriesPoint]
    /// Samples of `keys` with `startTs <= ts <= endTs`, at most `limit` per key, newest first unless `ascending`.
    func timeseries(
        entityId: UUID, keys: [String], startTs: Int64, endTs: Int64, limit: Int, ascending: Bool
    ) async throws -> [TimeseriesPoint]
    func timeseriesKeys(entityId: UUID) async throws -> [String]
}
