import Foundation
import MusterCore

/// A store of one kind seeded with a tenant (``DeviceConformanceTests/tenant`` unless told) and its default
/// profiles, and helpers that build import rows and batches the way the planner does, for the import tests.
struct ImportRowHarness {
    let store: any StoreKind.Ports
    let deviceProfile: ProfileReference
    let assetProfile: ProfileReference
    var tenantId = DeviceConformanceTests.tenant.id

    /// Runs `body` on a new, empty store of `kind`, seeded.
    static func with(_ kind: StoreKind, _ body: (ImportRowHarness) async throws -> Void) async throws {
        try await kind.withStore { store in
            let (device, asset) = try await DeviceConformanceTests.seed(store)
            try await body(
                ImportRowHarness(
                    store: store, deviceProfile: ProfileReference(id: device.id, name: device.name),
                    assetProfile: ProfileReference(id: asset.id, name: asset.name)))
        }
    }

    /// Saves another device profile of the tenant, named `name`.
    func addDeviceProfile(name: String) async throws -> DeviceProfile {
        let profile = ProfileConformanceTests.deviceProfile(900, tenantId: tenantId, name: name)
        guard try await store.saveDeviceProfile(profile) == .saved else { throw HarnessError.notSaved }
        return profile
    }

    enum HarnessError: Error {
        case notSaved
    }

    /// Applies `rows` as one batch.
    func apply(
        _ rows: [ImportRow], type: ImportEntityType = .device, update: Bool = false, dryRun: Bool = false,
        timestamp: Int64 = 1_000
    ) async throws -> [ImportRowOutcome] {
        try await store.applyImport(
            ImportBatch(
                tenantId: tenantId, entityType: type, update: update, dryRun: dryRun, timestamp: timestamp,
                defaultProfile: type == .device ? deviceProfile : assetProfile, rows: rows))
    }

    /// A row as the planner makes it: new ids, and a generated token for a device row without credentials.
    static func row(
        _ name: String, line: Int = 2, token: String? = nil, label: String? = nil, description: String? = nil,
        gateway: Bool? = nil, profile: ProfileReference? = nil, server: [String: AttributeValue] = [:],
        shared: [String: AttributeValue] = [:], telemetry: [String: AttributeValue] = [:], device: Bool = true
    ) throws -> ImportRow {
        var ids = EntityIdentifier.Sequence()
        var row = ImportRow(
            line: line, cells: [name], name: name, newEntityId: ids.next(at: 1_000), newCredentialsId: ids.next(at: 1_000),
            profileName: profile?.name, label: label, description: description, gateway: gateway,
            credentials: try token.map { try CredentialRules.accessToken($0) },
            attributes: server.sorted { $0.key < $1.key }.map { ImportKeyValue(scope: .server, key: $0.key, value: $0.value) }
                + shared.sorted { $0.key < $1.key }.map { ImportKeyValue(scope: .shared, key: $0.key, value: $0.value) },
            telemetry: telemetry.sorted { $0.key < $1.key }.map { ImportKeyValue(scope: nil, key: $0.key, value: $0.value) }
        )
        row.profile = profile
        if device, row.credentials == nil { row.generatedCredentials = CredentialRules.randomAccessToken() }
        return row
    }

    /// Everything stored under `entityId`: server and shared attributes, latest values and samples of `keys`.
    func keyValues(of entityId: UUID, keys: [String] = ["temperature"]) async throws -> KeyValues {
        KeyValues(
            server: try await store.attributes(entityId: entityId, scope: .server, keys: nil),
            shared: try await store.attributes(entityId: entityId, scope: .shared, keys: nil),
            latest: try await store.latestTimeseries(entityId: entityId, keys: nil),
            samples: try await store.timeseries(
                entityId: entityId, keys: keys, startTs: 0, endTs: .max, limit: 100, ascending: true)
        )
    }

    struct KeyValues: Equatable {
        var server: [Attribute]
        var shared: [Attribute]
        var latest: [TimeseriesPoint]
        var samples: [TimeseriesPoint]

        var isEmpty: Bool { server.isEmpty && shared.isEmpty && latest.isEmpty && samples.isEmpty }
    }
}
