import MusterCore
import Testing

/// A small deterministic random number generator, so that chunk-size tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Scans `bytes` fed as chunks of the given sizes (the last chunk takes the rest).
func scanCSV(
    _ bytes: [UInt8],
    delimiter: UInt8 = UInt8(ascii: ","),
    limits: CSVLimits = .init(),
    chunkSizes: [Int] = []
) throws -> [CSVRecord] {
    var scanner = CSVScanner(delimiter: delimiter, limits: limits)
    var records: [CSVRecord] = []
    var offset = 0
    for size in chunkSizes where offset < bytes.count {
        let end = min(offset + size, bytes.count)
        try scanner.feed(bytes[offset..<end]) { records.append($0) }
        offset = end
    }
    try scanner.feed(bytes[offset...]) { records.append($0) }
    try scanner.finish { records.append($0) }
    return records
}

/// Every way of splitting `bytes` to feed it: whole, byte by byte, every 2-way split, and 20 random
/// chunkings (with empty chunks allowed).
func csvChunkings(of bytes: [UInt8], seed: UInt64 = 42) -> [[Int]] {
    var result: [[Int]] = [[], Array(repeating: 1, count: bytes.count)]
    for split in 0...bytes.count {
        result.append([split])
    }
    var generator = SplitMix64(state: seed)
    for _ in 0..<20 {
        var sizes: [Int] = []
        var total = 0
        while total < bytes.count {
            let size = Int.random(in: 0...7, using: &generator)
            sizes.append(size)
            total += size
        }
        result.append(sizes)
    }
    return result
}

/// Expects `bytes` to scan to `expected` however it is split into chunks.
func expectCSVRecords(
    _ bytes: [UInt8],
    delimiter: UInt8 = UInt8(ascii: ","),
    limits: CSVLimits = .init(),
    _ expected: [CSVRecord],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    for sizes in csvChunkings(of: bytes) {
        let records = try scanCSV(bytes, delimiter: delimiter, limits: limits, chunkSizes: sizes)
        #expect(records == expected, "chunk sizes \(sizes)", sourceLocation: sourceLocation)
        if records != expected { return }
    }
}

/// Expects `bytes` to fail with `expected` however it is split into chunks.
func expectCSVError(
    _ bytes: [UInt8],
    delimiter: UInt8 = UInt8(ascii: ","),
    limits: CSVLimits = .init(),
    _ expected: CSVError,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for sizes in csvChunkings(of: bytes) {
        do {
            let records = try scanCSV(bytes, delimiter: delimiter, limits: limits, chunkSizes: sizes)
            Issue.record(
                "expected \(expected), scanned \(records); chunk sizes \(sizes)", sourceLocation: sourceLocation)
            return
        } catch {
            guard error as? CSVError == expected else {
                Issue.record("expected \(expected), got \(error); chunk sizes \(sizes)", sourceLocation: sourceLocation)
                return
            }
        }
    }
}

/// Shorthand for an expected record.
func csvRecord(_ number: Int, line: Int, _ fields: String...) -> CSVRecord {
    CSVRecord(number: number, line: line, fields: fields)
}
