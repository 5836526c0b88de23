import GRDB
import MusterCore

/// The SQL pieces of one ``PageLink``: the clamped limit and offset, the prefix filter and the ordering.
struct PageQuery {
    /// Rows per page, within `0...PageLink.maxPageSize`.
    let limit: Int
    /// Rows skipped.
    let offset: Int
    /// The search range, when the page has a non-empty `textSearch`.
    let search: (lower: String, upper: String?)?
    let link: PageLink

    init(_ link: PageLink) {
        self.link = link
        let window = PageWindow(link)
        (limit, offset, search) = (window.limit, window.offset, window.search)
    }

    /// ` AND <column> >= ? AND <column> < ?` for the search range, or an empty string.
    /// - Parameter column: The qualified `search_text` column.
    func searchCondition(_ column: String) -> String {
        guard let search else { return "" }
        return search.upper == nil ? " AND \(column) >= ?" : " AND \(column) >= ? AND \(column) < ?"
    }

    /// Appends the arguments of ``searchCondition(_:)`` to `arguments`.
    func appendSearchArguments(to arguments: inout StatementArguments) {
        guard let search else { return }
        arguments += [search.lower]
        if let upper = search.upper { arguments += [upper] }
    }

    /// The `ORDER BY` terms for the page's sort property, ending with the id so the order is total.
    /// - Parameters:
    ///   - alias: The table alias, with its dot (`"d."`), or `""`.
    ///   - type: The column sorted by for ``PageLink/SortProperty/type``; the name when the table has none.
    ///   - label: The column sorted by for ``PageLink/SortProperty/label``; the name when the table has none.
    func ordering(alias: String = "", type: String? = nil, label: String? = nil) -> String {
        // NULLs sort first when ascending (SQLite's order, which the indexes hold; PostgreSQL needs `NULLS FIRST`
        // on ascending and `NULLS LAST` on descending terms to match).
        let direction = link.ascending ? "ASC" : "DESC"
        let column: String
        switch link.sortProperty {
        case .createdTime: column = "\(alias)created_time \(direction)"
        case .name: column = "\(alias)search_text \(direction)"
        case .type: column = type.map { "\(alias)\($0) \(direction)" } ?? "\(alias)search_text \(direction)"
        case .label: column = label.map { "\(alias)\($0) \(direction)" } ?? "\(alias)search_text \(direction)"
        }
        return "\(column), \(alias)id \(direction)"
    }

    /// ` LIMIT ? OFFSET ?`.
    var limitClause: String { " LIMIT ? OFFSET ?" }

    /// Appends the arguments of ``limitClause``.
    func appendLimitArguments(to arguments: inout StatementArguments) {
        arguments += [limit, offset]
    }

    /// The page of `data` with `total`.
    func page<Element: Sendable>(_ data: [Element], total: Int) -> Page<Element> {
        Page(data: data, totalElements: total, pageSize: link.pageSize, page: link.page)
    }
}
