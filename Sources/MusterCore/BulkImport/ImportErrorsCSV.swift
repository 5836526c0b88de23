import Foundation

/// The lines of an import's errors CSV: the original header (when there was one) plus an `error` column, then each
/// failed row with its reason, so the file can be fixed and imported again (map the last column as SKIP or delete
/// it). Every cell is neutralised against spreadsheet formulas (``CSVFormulaGuard``); Muster's import reads it back
/// unchanged. Lines are given without their line break (the file ends each with CRLF).
package struct ImportErrorsCSV: Sendable {
    private let writer: CSVLineWriter

    package init(delimiter: UInt8) {
        writer = CSVLineWriter(delimiter: delimiter)
    }

    /// The header line: the file's header cells and `error`.
    package func header(_ cells: [String]) -> String {
        line(cells + ["error"])
    }

    /// The line of a failed row: its cells as read and `Line N: message`.
    package func failedRow(line number: Int, cells: [String], message: String) -> String {
        line(cells + ["Line \(number): \(message)"])
    }

    private func line(_ cells: [String]) -> String {
        writer.line(cells)
    }
}
