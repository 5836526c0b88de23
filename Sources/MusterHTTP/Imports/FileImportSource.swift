import Foundation
import MusterCore
import Synchronization

/// An uploaded CSV spooled to a file, read in 1 MiB chunks (never held in memory whole).
struct FileImportSource: ImportSource {
    let path: String
    let byteCount: Int

    init(path: String) throws {
        self.path = path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        self.byteCount = (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    func readChunks(_ body: ([UInt8]) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            try await body(Array(data))
        }
    }
}

/// Writes an import's failed rows to a CSV: the original header (when there was one) plus an `error` column, then
/// each failed row with its reason, so the file can be fixed and imported again (map the last column as SKIP or
/// delete it). Every cell is neutralised against spreadsheet formulas (``CSVFormulaGuard``); Muster's import reads it
/// back unchanged.
final class ErrorsCSVWriter: ImportErrorSink {
    private let handle: Mutex<FileHandle>
    private let delimiter: String

    init(path: String, delimiter: UInt8) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        self.handle = Mutex(handle)
        self.delimiter = String(UnicodeScalar(delimiter))
    }

    func header(_ cells: [String]) async throws {
        try write(cells + ["error"])
    }

    func failedRow(line: Int, cells: [String], message: String) async throws {
        try write(cells + ["Line \(line): \(message)"])
    }

    func close() {
        handle.withLock { try? $0.close() }
    }

    private func write(_ cells: [String]) throws {
        let line = cells.map { quoted(CSVFormulaGuard.neutralised($0)) }.joined(separator: delimiter) + "\r\n"
        try handle.withLock { try $0.write(contentsOf: Data(line.utf8)) }
    }

    /// A cell quoted when it holds the delimiter, a quote or a line break (RFC 4180).
    private func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" || String($0) == delimiter }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
