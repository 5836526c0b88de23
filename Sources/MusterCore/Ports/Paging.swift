/// A page request, as ThingsBoard's `pageSize`, `page`, `textSearch`, `sortProperty`, `sortOrder`.
package struct PageLink: Sendable, Hashable {
    package var pageSize: Int
    package var page: Int
    /// Case-insensitive name prefix filter.
    package var textSearch: String?
    /// Whether `textSearch` matches anywhere in the name (the device list's `textSearchMode=CONTAINS`) rather than
    /// at its start; other lists ignore it.
    package var containsSearch = false
    package var sortProperty: SortProperty
    package var ascending: Bool

    /// What a page may be sorted by.
    package enum SortProperty: String, Sendable, Hashable {
        case createdTime
        case name
        case type
        case label
    }

    /// The largest page served.
    package static let maxPageSize = 1000

    package init(pageSize: Int, page: Int, textSearch: String? = nil, sortProperty: SortProperty = .createdTime, ascending: Bool = false) {
        self.pageSize = pageSize
        self.page = page
        self.textSearch = textSearch
        self.sortProperty = sortProperty
        self.ascending = ascending
    }
}

/// One page of results with ThingsBoard's totals.
package struct Page<Element: Sendable>: Sendable {
    package var data: [Element]
    package var totalElements: Int
    package var pageSize: Int
    package var page: Int

    package init(data: [Element], totalElements: Int, pageSize: Int, page: Int) {
        self.data = data
        self.totalElements = totalElements
        self.pageSize = pageSize
        self.page = page
    }

    package var totalPages: Int { pageSize > 0 ? (totalElements + pageSize - 1) / pageSize : 0 }
    /// Whether rows follow this page; `false` for a page past every row, however large its number (no overflow).
    package var hasNext: Bool {
        let (next, overflowed) = page.addingReportingOverflow(1)
        let (end, tooFar) = next.multipliedReportingOverflow(by: pageSize)
        return !overflowed && !tooFar && end < totalElements
    }

    package func map<Other: Sendable>(_ transform: (Element) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(data: try data.map(transform), totalElements: totalElements, pageSize: pageSize, page: page)
    }
}

/// The rows one ``PageLink`` asks for, the same on every store: the page size clamped to
/// `0...PageLink.maxPageSize`, the rows skipped (past every row when page × size overflows), and the key range of
/// its name-prefix search (``SearchText``), when it has a non-empty `textSearch`.
package struct PageWindow: Sendable {
    package let limit: Int
    package let offset: Int
    package let search: (lower: String, upper: String?)?

    package init(_ link: PageLink) {
        limit = min(max(link.pageSize, 0), PageLink.maxPageSize)
        let (product, overflow) = max(link.page, 0).multipliedReportingOverflow(by: limit)
        offset = overflow ? Int.max : product
        if let text = link.textSearch, !text.isEmpty {
            search = SearchText.prefixRange(text)
        } else {
            search = nil
        }
    }
}
