import MusterCore
import Testing

@Suite struct PageTests {
    @Test func hasNextAndTotalPages() {
        #expect(Page<Int>(data: [1, 2], totalElements: 5, pageSize: 2, page: 0).hasNext)
        #expect(Page<Int>(data: [5], totalElements: 5, pageSize: 2, page: 2).hasNext == false)
        #expect(Page<Int>(data: [5], totalElements: 5, pageSize: 2, page: 2).totalPages == 3)
    }

    /// A page number far past the rows (found by schemathesis: `GET /api/audit/logs?page=2045093725980779008&pageSize=62`
    /// trapped on `(page + 1) * pageSize` and took the whole server down) is an empty last page.
    @Test(arguments: [(Int.max, 1), (Int.max, 1000), (Int.max - 1, 2), (2_045_093_725_980_779_008, 62), (Int.max / 2, 3)])
    func pageFarPastTheRowsHasNoNext(page: Int, pageSize: Int) {
        let result = Page<Int>(data: [], totalElements: 5, pageSize: pageSize, page: page)
        #expect(result.hasNext == false)
        #expect(result.totalPages == (5 + pageSize - 1) / pageSize)
    }
}
