import Testing

@testable import MusterSQLite

@Suite struct LikePrefixTests {
    @Test func likePrefixEscapesWildcards() {
        #expect(SQLiteStore.likePrefix("a_b%c\\") == "a\\_b\\%c\\\\%")
    }
}
