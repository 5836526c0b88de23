import MusterCore

/// The SQL pieces of one ``PageLink``, as SQLite's `PageQuery`: the clamped limit and offset, the prefix filter
/// on `search_text` and the ordering, so that both stores return the same rows in the same order.
struct PostgresPageQuery {
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

    /// Appends ` AND <column> >= $n AND <column> < $m` for the search range, or nothing.
    /// - Parameter column: The qualified `search_text` column.
    func appendSearchCondition(_ column: String, to builder: SQLBuilder) {
        guard let search else { return }
        builder.append(" AND \(column) >= \(builder.bind(search.lower))")
        if let upper = search.upper { builder.append(" AND \(column) < \(builder.bind(upper))") }
    }

    /// The `ORDER BY` terms for the page's sort property, ending with the id so the order is total. NULLs (of the
    /// label, the one nullable sort column) sort first when ascending and last when descending, as on SQLite. Each
    /// order matches an index of `2026-12-07-sort-indexes` read forwards or backwards, so a page never sorts the
    /// table (the NOT NULL columns get no NULLS clause: one would not match their indexes).
    /// - Parameters:
    ///   - alias: The table alias, with its dot (`"d."`), or `""`.
    ///   - type: The column sorted by for ``PageLink/SortProperty/type``; the name when the table has none.
    ///   - label: The column sorted by for ``PageLink/SortProperty/label``; the name when the table has none.
    func ordering(alias: String = "", type: String? = nil, label: String? = nil) -> String {
        let direction = link.ascending ? "ASC" : "DESC"
        let column: String
        switch link.sortProperty {
        case .createdTime: column = "\(alias)created_time"
        case .name: column = "\(alias)search_text"
        // Other text columns in the `"C"` collation: SQLite's binary order, whatever the database's locale.
        case .type: column = type.map { "\(alias)\($0) COLLATE \"C\"" } ?? "\(alias)search_text"
        case .label:
            guard let label else { return "\(alias)search_text \(direction), \(alias)id \(direction)" }
            return "\(alias)\(label) COLLATE \"C\" \(link.ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST"), "
                + "\(alias)id \(direction)"
        }
        return "\(column) \(direction), \(alias)id \(direction)"
    }

    /// Appends ` LIMIT $n OFFSET $m`.
    func appendLimit(to builder: SQLBuilder) {
        builder.append(" LIMIT \(builder.bind(limit)) OFFSET \(builder.bind(offset))")
    }

    /// The page of `data` with `total`.
    func page<Element: Sendable>(_ data: [Element], total: Int) -> Page<Element> {
        Page(data: data, totalElements: total, pageSize: link.pageSize, page: link.page)
    }
}
