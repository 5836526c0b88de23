/// The case-folded form of names kept in each `search_text` column, and the key range of a prefix search.
///
/// One rule for every store (part of the store contract): folding happens in Swift (Unicode full lowercase mapping,
/// locale-independent) rather than with a database's collation (SQLite's `NOCASE` is ASCII-only), and a prefix
/// becomes a half-open range `[lower, upper)` so the search is an index range scan. The range is exact when the
/// column compares in code point order (SQLite's binary collation, PostgreSQL's `"C"`): the strings starting with `p`
/// are those at or after `p` and before `p` with its last scalar replaced by the next scalar.
package enum SearchText {
    /// The folded form of `name` stored beside it.
    package static func fold(_ name: String) -> String {
        name.lowercased()
    }

    /// The key range of the names starting with `prefix`, case-insensitively; `upper` is `nil` when unbounded.
    package static func prefixRange(_ prefix: String) -> (lower: String, upper: String?) {
        let lower = fold(prefix)
        var scalars = Array(lower.unicodeScalars)
        while let last = scalars.popLast() {
            if let next = successor(of: last) {
                scalars.append(next)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                return (lower, String(view))
            }
        }
        return (lower, nil)
    }

    private static func successor(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        var value = scalar.value + 1
        if (0xD800...0xDFFF).contains(value) { value = 0xE000 }
        return Unicode.Scalar(value)
    }
}
