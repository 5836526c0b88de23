import Foundation
import MusterCore
import MusterTestSupport
import Synchronization
import Testing

/// Issue 20: a committed import row that replaces a device's credentials revokes the device's sessions; a dry run,
/// a row without credentials and a new device revoke nothing.
@Suite struct ImportRevocationTests {
    typealias H = ImportHarness

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

    @Test(arguments: [false, true])
    func onlyACommittedCredentialsChangeRevokes(dryRun: Bool) async throws {
        try await H.with { h in
            _ = try await h.apply([try H.row("rotated", token: "tok-old"), try H.row("relabelled", token: "tok-kept")])
            let rotated = try #require(try await h.store.device(name: "rotated", tenantId: h.tenantId))
            let relabelled = try #require(try await h.store.device(name: "relabelled", tenantId: h.tenantId))
            let heard = Heard()
            for id in [rotated.id, relabelled.id] {
                _ = h.fixture.sessions.subscribe(deviceId: id) { revocation in heard.revocations.withLock { $0.append(revocation) } }
            }
            let importer = BulkImporter(
                store: h.store, profiles: h.fixture.profiles, clock: h.fixture.clock, sessions: h.fixture.sessions
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
