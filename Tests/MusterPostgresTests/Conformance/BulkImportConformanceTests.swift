import Foundation
import MusterCore
import MusterTestSupport
import Synchronization
import Testing

/// `BulkImporter` (core) over every store: a small CSV with every kind of row error, across batches, line-numbered
/// errors in file order, dry runs.
@Suite struct BulkImportConformanceTests {
    typealias H = ImportRowHarness

    static let csv = """
        name,type,label,serialNumber,token\r
        d1,thermostat,L1,SN1,tok-1\r
        d2,thermostat,,SN2,tok-1\r
        d1,meter,,,\r
        existing,thermostat,,,tok-9\r
        d5,,,"SN,5",taken\r
        d6,meter,L6,007,\r

        """

    static func mapping(update: Bool = false) throws -> ImportMapping {
        try ImportMapping(
            entityType: .device,
            columns: [
                RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "LABEL"),
                RawImportColumn(type: "SERVER_ATTRIBUTE", key: "serialNumber"), RawImportColumn(type: "ACCESS_TOKEN"),
            ],
            delimiter: ",", header: true, update: update)
    }

    @Test(arguments: StoreKind.allCases, [1, 2, 5000])
    func reportsLineNumberedErrorsAndWritesTheGoodRows(_ kind: StoreKind, batchSize: Int) async throws {
        try await H.withCore(kind) { h, fixture in
            // Given a device holding the token "taken"
            _ = try await h.apply([try H.row("existing", token: "taken")])
            let importer = BulkImporter(
                store: h.store, profiles: fixture.profiles, clock: fixture.clock,
                configuration: .init(batchSize: batchSize))

            // When the file is imported without update
            let summary = try await importer.run(
                mapping: try Self.mapping(), tenantId: h.tenantId, dryRun: false,
                source: InMemoryImportSource(Array(Self.csv.utf8), chunkSize: 7))

            // Then the good rows are written and every other row is an error line, in file order
            #expect(summary.errorLines == [
                "Line 3: the same credentials as line 2",
                "Line 4: duplicate of line 2 (same name)",
                "Line 5: device 'existing' already exists (update is off)",
                "Line 6: the credentials are already assigned to another device",
            ])
            #expect(summary.progress.rowsProcessed == 6)
            #expect(summary.progress.created == 2)
            #expect(summary.progress.updated == 0)
            #expect(summary.progress.errors == 4)
            let d1 = try #require(try await h.store.device(name: "d1", tenantId: h.tenantId))
            #expect(d1.type == "thermostat" && d1.label == "L1")
            #expect(try await h.store.credentials(deviceId: d1.id)?.credentialsId == "tok-1")
            let d6 = try #require(try await h.store.device(name: "d6", tenantId: h.tenantId))
            #expect(d6.type == "meter")
            #expect(try await h.keyValues(of: d6.id).server.map(\.value) == [.string("007")])
            #expect(try await h.store.credentials(deviceId: d6.id)?.type == .accessToken)
            for name in ["d2", "d5"] { #expect(try await h.store.device(name: name, tenantId: h.tenantId) == nil) }
            let existing = try #require(try await h.store.device(name: "existing", tenantId: h.tenantId))
            #expect(try await h.store.credentials(deviceId: existing.id)?.credentialsId == "taken")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDryRunReportsTheSameAndWritesNothing(_ kind: StoreKind) async throws {
        try await H.withCore(kind) { h, fixture in
            _ = try await h.apply([try H.row("existing", token: "taken")])
            let importer = BulkImporter(store: h.store, profiles: fixture.profiles, clock: fixture.clock)

            let summary = try await importer.run(
                mapping: try Self.mapping(update: true), tenantId: h.tenantId, dryRun: true,
                source: InMemoryImportSource(Array(Self.csv.utf8)))

            // Rows apply in file order: line 5 moves "existing" to tok-9, which frees "taken" for line 6.
            #expect(summary.errorLines == [
                "Line 3: the same credentials as line 2",
                "Line 4: duplicate of line 2 (same name)",
            ])
            #expect(summary.progress.created == 3 && summary.progress.updated == 1)
            for name in ["d1", "d5", "d6"] { #expect(try await h.store.device(name: name, tenantId: h.tenantId) == nil) }
            let existing = try #require(try await h.store.device(name: "existing", tenantId: h.tenantId))
            #expect(existing.version == 1 && existing.type == h.deviceProfile.name)
            #expect(try await h.store.credentials(deviceId: existing.id)?.credentialsId == "taken")
        }
    }
}

/// Issue 20 on every store: a committed import row that replaces a device's credentials revokes the device's
/// sessions; a dry run, a row without credentials and a new device revoke nothing.
@Suite struct ImportRevocationConformanceTests {
    typealias H = ImportRowHarness

    private final class Heard: Sendable {
        let revocations = Mutex([DeviceSessionRevocation]())
        var all: [DeviceSessionRevocation] { revocations.withLock { $0 } }
    }

    static let csv = """
        name,type,label,token\r
        rotated,sensor,L1,tok-new\r
        relabelled,sensor,L2,\r
        created,sensor,L3,tok-created\r

        """

    static func mapping() throws -> ImportMapping {
        try ImportMapping(
            entityType: .device,
            columns: [
                RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "LABEL"),
                RawImportColumn(type: "ACCESS_TOKEN"),
            ],
            delimiter: ",", header: true, update: true)
    }

    @Test(arguments: StoreKind.allCases, [false, true])
    func onlyACommittedCredentialsChangeRevokes(_ kind: StoreKind, dryRun: Bool) async throws {
        try await H.withCore(kind) { h, fixture in
            _ = try await h.apply([try H.row("rotated", token: "tok-old"), try H.row("relabelled", token: "tok-kept")])
            let rotated = try #require(try await h.store.device(name: "rotated", tenantId: h.tenantId))
            let relabelled = try #require(try await h.store.device(name: "relabelled", tenantId: h.tenantId))
            let heard = Heard()
            for id in [rotated.id, relabelled.id] {
                _ = fixture.sessions.subscribe(deviceId: id) { revocation in heard.revocations.withLock { $0.append(revocation) } }
            }
            let importer = BulkImporter(
                store: h.store, profiles: fixture.profiles, clock: fixture.clock, sessions: fixture.sessions
            )

            let summary = try await importer.run(
                mapping: try Self.mapping(), tenantId: h.tenantId, dryRun: dryRun, source: InMemoryImportSource(Array(Self.csv.utf8))
            )

            #expect(summary.progress.updated == 2 && summary.progress.created == 1)
            if dryRun {
                #expect(heard.all.isEmpty)
            } else {
                #expect(heard.all == [
                    DeviceSessionRevocation(deviceId: rotated.id, tenantId: h.tenantId, deviceName: "rotated", reason: .credentialsChanged)
                ])
            }
        }
    }
}

extension ImportRowHarness {
    /// Runs `body` with the core's services (``CoreFixture``) over a new, empty store of `kind`, and a harness for
    /// the fixture's tenant and its default profiles.
    static func withCore(
        _ kind: StoreKind, _ body: (ImportRowHarness, CoreFixture) async throws -> Void
    ) async throws {
        try await kind.withStore { store in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let fixture = try await CoreFixture.make(store: store, directory: directory)
            let device = try await fixture.profiles.defaultDeviceProfile(tenantId: fixture.tenant.id)
            let asset = try await fixture.profiles.defaultAssetProfile(tenantId: fixture.tenant.id)
            let harness = ImportRowHarness(
                store: store, deviceProfile: ProfileReference(id: device.id, name: device.name),
                assetProfile: ProfileReference(id: asset.id, name: asset.name), tenantId: fixture.tenant.id)
            try await body(harness, fixture)
        }
    }
}
