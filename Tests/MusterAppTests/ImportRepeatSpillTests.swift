import Foundation
import MusterCore
import MusterHTTP
import MusterTestSupport
import Testing

/// An import whose names and credentials fingerprints spill to scratch files (as a large file's do) reports the
/// same duplicate rows, with the same first lines, as one that keeps them in memory.
@Suite struct ImportRepeatSpillTests {
    private static func csv(rows: Int) -> String {
        var lines = ["name,type,token"]
        for index in 1...rows {
            // Every 97th row repeats an earlier row's name; every 89th an earlier row's token.
            let name = index % 97 == 0 ? "dev-\(index - 50)" : "dev-\(index)"
            let token = index % 89 == 0 ? "tok-\(index - 30)" : "tok-\(index)"
            lines.append("\(name),sensor,\(token)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static let mapping = try! ImportMapping(
        entityType: .device,
        columns: [RawImportColumn(type: "NAME"), RawImportColumn(type: "TYPE"), RawImportColumn(type: "ACCESS_TOKEN")],
        delimiter: ",", header: true, update: false)

    private func run(spilling: Bool, rows: Int) async throws -> (ImportSummary, scratchLeft: [String]) {
        var result: (ImportSummary, [String])?
        try await TestStoreKind.fromEnvironment.withStore { store in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let fixture = try await CoreFixture.make(store: store, directory: directory)
            var configuration = BulkImporter.Configuration(batchSize: 500, maxErrorLines: 10_000)
            if spilling { configuration.repeatLimits = .init(valuesInMemory: 256, partitions: 8) }
            let scratch = "\(directory.path)/imports"
            let importer = BulkImporter(
                store: store, profiles: fixture.profiles, clock: fixture.clock, configuration: configuration,
                scratch: SpoolScratchSpace(directory: scratch))
            let summary = try await importer.run(
                mapping: Self.mapping, tenantId: fixture.tenant.id, dryRun: false,
                source: InMemoryImportSource(Array(Self.csv(rows: rows).utf8), chunkSize: 4096))
            result = (summary, (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? [])
        }
        return try #require(result)
    }

    @Test func spilledAndInMemoryRunsReportTheSameDuplicates() async throws {
        let rows = 3000
        let (spilled, left) = try await run(spilling: true, rows: rows)
        let (inMemory, _) = try await run(spilling: false, rows: rows)
        #expect(left == [], "scratch files leave nothing behind")
        #expect(spilled.errorLines == inMemory.errorLines)
        #expect(spilled.progress.created == inMemory.progress.created)
        // 30 repeated names (rows 97, 194, …) and 33 repeated tokens (rows 89, 178, …), no row both.
        #expect(spilled.progress.errors == 30 + 33)
        #expect(spilled.progress.created == rows - spilled.progress.errors)
        #expect(spilled.errorLines.first == "Line 90: the same credentials as line 60")
        #expect(spilled.errorLines.contains("Line 98: duplicate of line 48 (same name)"))
    }
}
