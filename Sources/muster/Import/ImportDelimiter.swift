/// The `--delimiter` values the import accepts: `,` `;` `|` and tab (written `tab`, `\t` or a tab character).
enum ImportDelimiter {
    /// The accepted spellings and the delimiter each stands for.
    static let spellings: [String: String] = [",": ",", ";": ";", "|": "|", "tab": "\t", "\\t": "\t", "\t": "\t"]

    /// Reads a `--delimiter` value.
    /// - Parameter text: The option's value, as typed (`tab` in any letter case).
    /// - Returns: The one-character delimiter to put in the mapping.
    /// - Throws: ``ImportDelimiterError`` for anything else.
    static func parse(_ text: String) throws(ImportDelimiterError) -> String {
        guard let delimiter = spellings[text] ?? spellings[text.lowercased()] else { throw .unsupported(text) }
        return delimiter
    }
}

/// A `--delimiter` value that is not one of the four the importer reads.
enum ImportDelimiterError: Error, Equatable, CustomStringConvertible {
    case unsupported(String)

    var description: String {
        switch self {
        case .unsupported(let text):
            return "--delimiter: '\(text)' is not supported; use ',' ';' '|' or 'tab'"
        }
    }
}
