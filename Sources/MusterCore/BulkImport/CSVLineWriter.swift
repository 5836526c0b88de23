import Foundation

/// Writes CSV lines that Muster's import reads back cell for cell: every cell neutralised against spreadsheet
/// formulas (``CSVFormulaGuard``, which the import undoes) and quoted when it holds the delimiter, a quote or a line
/// break (RFC 4180). Lines are given without their line break. Used by the errors CSV and by exports.
package struct CSVLineWriter: Sendable {
    private let delimiter: String

    package init(delimiter: UInt8) {
        self.delimiter = String(UnicodeScalar(delimiter))
    }

    package func line(_ cells: [String]) -> String {
        cells.map { quoted(CSVFormulaGuard.neutralised($0)) }.joined(separator: delimiter)
    }

    private func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" || String($0) == delimiter }) else {
            return cell
        }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
