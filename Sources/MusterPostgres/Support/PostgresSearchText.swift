/// The case-folded form of names kept in each `search_text` column, and the key range of a prefix search: the
/// same rule as SQLite's `SearchText` (Swift's locale-independent lowercase mapping; a prefix as the half-open
/// range `[lower, upper)`), compared in the columns' `"C"` collation, which is code point order as on SQLite.
enum PostgresSearchText {
    /// The folded form of `name` stored beside it.
    static func fold(_ name: String) -> String {
        name.lowercased()
    }

    /// The key range of the names starting with `prefix`, case-insensitively; `upper` is `nil` when unbounded.
    static func prefixRange(_ prefix: String) -> (lower: String, upper: String?) {
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
