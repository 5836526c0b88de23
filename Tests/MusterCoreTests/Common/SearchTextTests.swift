import Testing

import MusterCore

@Suite struct SearchTextTests {
    @Test(arguments: [
        ("Abc", "abc", "abd"),
        ("É", "é", "ê"),
        ("a\u{10FFFF}", "a\u{10FFFF}", "b"),
        ("\u{D7FF}", "\u{D7FF}", "\u{E000}"),
    ])
    func prefixRangeIsTheNextScalar(_ prefix: String, _ lower: String, _ upper: String) {
        let range = SearchText.prefixRange(prefix)
        #expect(range.lower == lower)
        #expect(range.upper == upper)
    }

    @Test func aRangeOfOnlyTheLastScalarIsUnbounded() {
        #expect(SearchText.prefixRange("\u{10FFFF}").upper == nil)
    }
}
