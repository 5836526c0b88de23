/// Keeps spreadsheets from running cells of the CSV files Muster writes as formulas (CSV injection, OWASP), and lets
/// Muster's own import read such files back unchanged.
///
/// Writing: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, except a plain
/// number (`-5`, `+1.5e3`), which no spreadsheet runs. A cell that already looks neutralised (one or more `'` then
/// one of those characters) gets one more `'`, so that every value survives the round trip.
///
/// Reading (every cell of every import): a cell of one or more `'` followed by one of those characters loses exactly
/// one `'`. So `'=cmd` imports as `=cmd`, `''=cmd` as `'=cmd`, and `'abc` or `'5` stay as they are.
package enum CSVFormulaGuard {
    private static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// The cell as Muster writes it into a CSV.
    package static func neutralised(_ cell: String) -> String {
        guard let first = cell.first else { return cell }
        if triggers.contains(first) {
            return isPlainNumber(cell) ? cell : "'" + cell
        }
        return looksNeutralised(cell) ? "'" + cell : cell
    }

    /// The value of a cell Muster reads from a CSV.
    package static func restored(_ cell: String) -> String {
        looksNeutralised(cell) ? String(cell.dropFirst()) : cell
    }

    /// One or more `'` followed by a trigger character.
    private static func looksNeutralised(_ cell: String) -> Bool {
        guard cell.first == "'" else { return false }
        guard let next = cell.first(where: { $0 != "'" }) else { return false }
        return triggers.contains(next)
    }

    /// An optionally signed decimal number: digits, an optional fraction and an optional exponent.
    private static func isPlainNumber(_ cell: String) -> Bool {
        var scalars = Substring(cell).unicodeScalars[...]
        func digits() -> Int {
            var count = 0
            while let scalar = scalars.first, ("0"..."9").contains(scalar) {
                scalars.removeFirst()
                count += 1
            }
            return count
        }
        if scalars.first == "-" || scalars.first == "+" { scalars.removeFirst() }
        var mantissa = digits()
        if scalars.first == "." {
            scalars.removeFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if scalars.first == "e" || scalars.first == "E" {
            scalars.removeFirst()
            if scalars.first == "-" || scalars.first == "+" { scalars.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return scalars.isEmpty
    }
}
