import ArgumentParser

/// The release-only benchmark driver: generates the bulk-import CSV, measures the raw SQLite insert rate of the
/// same rows (the reference the importer is compared with), and runs an import or provisionings straight on a
/// store (SQLite or PostgreSQL), without a transport.
@main
struct MusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster-bench",
        abstract: "Muster benchmarks (build with -c release).",
        subcommands: [GenerateCSV.self, SQLiteReference.self, LocalImport.self, StoreProvision.self]
    )
}
