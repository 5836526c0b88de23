import Foundation

/// Attributes and time series of devices and assets, keyed by the entity's id alone (no tenant check: the core
/// checks ownership first). Besides ``MusterStore``'s contract: every value reads back exactly as written (type
/// and value, NaN included), and keys are compared and sorted by their code points.
package protocol KeyValueStore: Sendable {
    /// The attributes of `entityId` in `scope`, sorted by key; all of them when `keys` is `nil`, none for `[]`.
    func attributes(entityId: UUID, scope: AttributeScope, keys: [String]?) async throws -> [Attribute]
    /// Inserts or replaces (by key, in `scope`) `attributes`, in one transaction.
    func saveAttributes(entityId: UUID, scope: AttributeScope, _ attributes: [Attribute]) async throws
    /// Deletes the attributes `keys` of `entityId` in `scope`, in one statement.
    /// - Returns: How many were deleted.
    func deleteAttributes(entityId: UUID, scope: AttributeScope, keys: [String]) async throws -> Int
    /// Appends samples (one at an existing key and timestamp replaces it) and moves each key's latest value to a
    /// sample that is not older than it, in one transaction.
    func saveTimeseries(entityId: UUID, _ points: [TimeseriesPoint]) async throws
    /// The latest sample of each key, sorted by key; all keys when `keys` is `nil`, none for `[]`.
    func latestTimeseries(entityId: UUID, keys: [String]?) async throws -> [TimeseriesPoint]
    /// Samples of `keys` with `startTs <= ts <= endTs`, at most `limit` per key, newest first unless `ascending`,
    /// grouped by key in the order of `keys`; none when `limit <= 0` or `startTs > endTs`.
    func timeseries(
        entityId: UUID, keys: [String], startTs: Int64, endTs: Int64, limit: Int, ascending: Bool
    ) async throws -> [TimeseriesPoint]
    /// The keys of `entityId` that have time series, sorted.
    func timeseriesKeys(entityId: UUID) async throws -> [String]
}
