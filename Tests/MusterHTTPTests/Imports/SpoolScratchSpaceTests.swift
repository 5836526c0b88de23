import Foundation
import MusterCore
import MusterHTTP
import Testing

/// Scratch files in the spool directory, and the repeat finder spilling over them.
@Suite struct SpoolScratchSpaceTests {
    private func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func aScratchFileKeepsItsValuesAndHasNoName() throws {
        try withDirectory { directory in
            let space = SpoolScratchSpace(directory: "\(directory)/imports")
            let file = try space.makeFile()
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/imports") == [])
            #expect(try file.readAll() == [])
            let values: [UInt64] = [3, .max, 0, 1 << 40]
            try file.append(values[0..<2])
            try file.append(values[2...])
            #expect(try file.readAll() == values)
        }
    }

    @Test func theFinderSpilledFindsWhatItFindsInMemory() throws {
        try withDirectory { directory in
            var generator = SystemRandomNumberGenerator()
            var values = (0..<20_000).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
            let planted = Array(values.shuffled().prefix(300))
            values += planted + planted.prefix(10)
            values.shuffle()

            var inMemory = ImportRepeatFinder(scratch: nil)
            var spilled = ImportRepeatFinder(
                limits: .init(valuesInMemory: 1000, partitions: 16), scratch: SpoolScratchSpace(directory: directory))
            for value in values {
                try inMemory.add(value)
                try spilled.add(value)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [], "the spill files have no name")
            let expected = try inMemory.finish()
            let found = try spilled.finish()
            #expect(expected.count == Set(planted).count)
            #expect(found.count == expected.count)
            for value in planted { #expect(found.contains(value)) }
            for value in values.prefix(2000) where !planted.contains(value) { #expect(!found.contains(value)) }
        }
    }
}
