import MusterCore
import Testing

/// The check pass's repeat finder, in memory (the spilling path over real files: `ImportScratchSpillTests`).
@Suite struct ImportRepeatFinderTests {
    @Test func findsEachValueAddedMoreThanOnceAndNothingElse() throws {
        var finder = ImportRepeatFinder(scratch: nil)
        for value: UInt64 in [5, 1, 9, 5, 3, 5, .max, 0, .max, 7] { try finder.add(value) }
        let repeats = try finder.finish()
        #expect(repeats.count == 2)
        for value: UInt64 in [5, .max] { #expect(repeats.contains(value)) }
        for value: UInt64 in [0, 1, 3, 7, 9, 4, .max - 1] { #expect(!repeats.contains(value)) }
    }

    @Test func withoutAScratchSpaceEverythingStaysInMemoryBeyondTheLimit() throws {
        var finder = ImportRepeatFinder(limits: .init(valuesInMemory: 4, partitions: 2), scratch: nil)
        for value in 0..<100 as Range<UInt64> { try finder.add(value * 7919) }
        try finder.add(42 * 7919)
        let repeats = try finder.finish()
        #expect(repeats.count == 1 && repeats.contains(42 * 7919))
    }

    @Test func noRepeatsIsEmpty() throws {
        var finder = ImportRepeatFinder(scratch: nil)
        #expect(try finder.finish().count == 0)
        #expect(!ImportRepeats.none.contains(0))
    }
}
