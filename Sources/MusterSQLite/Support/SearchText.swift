/// The case-folded form of names kept in each `search_text` column, and the key range of a prefix search.
///
/// Folding happens in Swift (Unicode full lowercase mapping, locale-independent) rather than with SQLite's
/// ASCII-only `NOCASE`, and a prefix becomes a half-open range `[lower, upper)` so the search is an index range
/// scan. The range is exact: UTF-8 byte order is code point order, so the strings starting with `p` are those at
/// or after `p` and before `p` with its last scalar replaced by the next scalar.
enum SearchText {
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
