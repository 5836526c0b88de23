import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// The device API's attribute and sample writes run through the same connection's statement cache as imports; an
/// import after them must still bind its own values (it failed with a NOT NULL error once, the binds refused on a
/// statement that GRDB had left un-reset).
@Suite struct SQLiteStoreImportAfterKeyValueWritesTests {
    typealias H = ImportHarness

    @Test func importsAfterAttributeAndTelemetryWritesStoreTheirValues() async throws {
        try await H.with { h in
            let reporter = try H.row("reporter", token: "reporter-token")
            _ = try await h.apply([reporter], timestamp: 1_000)
            for round in 0..<3 {
                try await h.store.saveAttributes(
                    entityId: reporter.newEntityId, scope: .client,
                    [Attribute(key: "fw", value: .long(Int64(round)), lastUpdateTs: 2_000)])
                try await h.store.saveTimeseries(
                    entityId: reporter.newEntityId, [TimeseriesPoint(key: "x", ts: 2_000 + Int64(round), value: .long(1))])
                let row = try H.row(
                    "imported-\(round)", server: ["serial": .string("SN-\(round)")],
                    telemetry: ["t": .double(21.5)])
                #expect(try await h.apply([row], timestamp: 5_000) == [.created])
                let stored = try await h.keyValues(of: row.newEntityId)
                #expect(stored.server == [Attribute(key: "serial", value: .string("SN-\(round)"), lastUpdateTs: 5_000)])
                #expect(stored.latest == [TimeseriesPoint(key: "t", ts: 5_000, value: .double(21.5))])
            }
        }
    }
}
