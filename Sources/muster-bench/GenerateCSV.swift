import ArgumentParser
import Foundation

/// `muster-bench generate-csv`: writes the benchmark CSV (unique names and tokens, a few types).
struct GenerateCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-csv", abstract: "Write the bulk-import benchmark CSV.")

    @Option(help: "Data rows.") var rows: Int = 1_000_000
    @Option(help: "The CSV file to write.") var out: String
    @Option(help: "Seed of the random tokens.") var seed: UInt64 = 42

    func run() throws {
        guard FileManager.default.createFile(atPath: out, contents: nil),
            let handle = FileHandle(forWritingAtPath: out)
        else { throw ValidationError("cannot create \(out)") }
        defer { try? handle.close() }
        var generator = SplitMix64(seed: seed)
        var buffer = BenchRows.header + "\n"
        buffer.reserveCapacity(1 << 21)
        for index in 1...max(rows, 1) {
            buffer += BenchRows.name(index) + "," + BenchRows.type(index) + "," + BenchRows.label(index) + ","
            buffer += BenchRows.serialNumber(index) + "," + BenchRows.firmware(index) + ","
            buffer += "\(BenchRows.temperature(index)),"
            buffer += BenchRows.token(using: &generator) + "\n"
            if buffer.utf8.count >= 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }
}
