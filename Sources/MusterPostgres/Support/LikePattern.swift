/// `LIKE` patterns of a user's text: `%`, `_` and the escape character `\` (PostgreSQL's default) are escaped, so
/// the text matches only itself.
enum LikePattern {
    /// `text` with `%`, `_` and `\` escaped.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// Strings that start with `prefix`.
    static func prefix(_ prefix: String) -> String { escaped(prefix) + "%" }

    /// Strings that contain `text`.
    static func containing(_ text: String) -> String { "%" + escaped(text) + "%" }
}
